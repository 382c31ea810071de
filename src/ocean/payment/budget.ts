import { randomBytes } from 'node:crypto';
import { formatUnits, parseUnits } from 'ethers';
import { SerialQueue } from '../auth/nonces';
import { sameAddress } from '../environments';
import { OceanError } from '../errors';

/** One budget rule, as the connection holds it: amounts in token units ("5" OCEAN), converted with the token's decimals. */
export interface BudgetRule {
  /** Where it was set, for errors: "budgets[0]". */
  field: string;
  /** The token it limits, or "*" for each token no other rule names (datatokens, say). */
  token: string;
  /** Most one job may commit. */
  perJob?: string;
  /** Most all jobs together may commit within the window. */
  limit?: string;
  windowSeconds?: number;
  /** The window as the user wrote it ("24h"). */
  period?: string;
}

/** What a job commits in one token, in base units. */
export interface TokenCost {
  token: string;
  amount: bigint;
}

/** One commitment on record. */
export interface SpentEntry {
  /** Milliseconds since the epoch. */
  at: number;
  token: string;
  /** Base units, as a decimal string. */
  amount: string;
  /** Which start it belongs to. */
  job: string;
}

export interface SpendingStore {
  load(): Promise<SpentEntry[]>;
  save(entries: SpentEntry[]): Promise<void>;
  /**
   * For a store several processes share (Redis): runs `task` while no other process runs one on
   * the same store. The budget then reads the entries afresh in each task instead of keeping them,
   * so a check and its reservation see what every process reserved.
   */
  lock?<T>(task: () => Promise<T>): Promise<T>;
}

/** How much room one rule leaves for one token now. */
export interface BudgetRoom {
  field: string;
  token: string;
  kind: 'perJob' | 'window';
  /** The rule's maximum, in token units. */
  max: string;
  /** Spent within the window (window rules), in token units. */
  spent?: string;
  remaining: string;
  window?: string;
  /** When the oldest spending in the window leaves it (window rules). */
  nextFreesAt?: string;
}

export interface BudgetVerdict {
  allowed: boolean;
  /** The PAYMENT_LIMIT a start would get. */
  refusal?: OceanError;
}

/**
 * Limits what paid jobs of one connection may commit: per job and per rolling window, per token.
 * Every check and reservation runs in one queue, and a reservation is recorded (and saved)
 * before the first transaction: two starts at the same moment cannot both pass a budget that
 * holds one. With a store that locks (shared by several processes), each also runs under the
 * store's lock, on entries read afresh.
 */
export class Budget {
  private entries?: SpentEntry[];
  private readonly queue = new SerialQueue();

  constructor(
    readonly rules: BudgetRule[],
    private readonly store: SpendingStore | undefined,
    private readonly decimals: (token: string) => Promise<number>,
    private readonly clock: () => number = Date.now,
  ) {}

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Whether the costs would pass now; nothing is recorded (a quote). */
  check(costs: TokenCost[]): Promise<BudgetVerdict> {
    return this.run(async () => {
      const refusal = await this.refusal(costs, await this.load());
      return refusal ? { allowed: false, refusal } : { allowed: true };
    });
  }

  /** Records the costs as spent if every rule allows them; PAYMENT_LIMIT otherwise. */
  reserve(costs: TokenCost[]): Promise<Reservation> {
    return this.run(async () => {
      const entries = await this.load();
      const refusal = await this.refusal(costs, entries);
      if (refusal) throw refusal;
      const job = randomBytes(8).toString('hex');
      const at = this.clock();
      const reserved = costs.filter((c) => c.amount > 0n).map((c) => ({ at, token: c.token.toLowerCase(), amount: c.amount.toString(), job }));
      try {
        await this.save([...entries, ...reserved]);
      } catch (error) {
        this.entries = entries;
        throw error;
      }
      return new Reservation((actual) => this.settle(job, at, actual));
    });
  }

  /** The room every rule leaves for these tokens (and the tokens the rules name). */
  room(tokens: string[] = []): Promise<BudgetRoom[]> {
    return this.run(async () => {
      const entries = await this.load();
      const named = this.rules.filter((r) => r.token !== '*').map((r) => r.token);
      const all = [...new Set([...named, ...tokens].map((t) => t.toLowerCase()))];
      const rooms: BudgetRoom[] = [];
      for (const token of all) {
        for (const rule of this.rulesFor(token)) rooms.push(await this.roomOf(rule, token, entries));
      }
      return rooms;
    });
  }

  private settle(job: string, at: number, actual: TokenCost[]): Promise<void> {
    return this.run(async () => {
      const entries = (await this.load()).filter((e) => e.job !== job);
      entries.push(...actual.filter((c) => c.amount > 0n).map((c) => ({ at, token: c.token.toLowerCase(), amount: c.amount.toString(), job })));
      this.entries = entries;
      await this.save(entries);
    });
  }

  private run<T>(task: () => Promise<T>): Promise<T> {
    const store = this.store;
    if (!store?.lock) return this.queue.run(task);
    const locked = store.lock.bind(store);
    return this.queue.run(async () => {
      let entered = false;
      try {
        return await locked(() => {
          entered = true;
          this.entries = undefined;
          return task();
        });
      } catch (error) {
        if (entered) throw error;
        throw new OceanError('PAYMENT_LIMIT', `Nothing was paid: the shared spending record could not be locked (${(error as Error).message}), so the budget cannot be checked`);
      }
    });
  }

  private rulesFor(token: string): BudgetRule[] {
    const own = this.rules.filter((r) => r.token !== '*' && sameAddress(r.token, token));
    return own.length > 0 ? own : this.rules.filter((r) => r.token === '*');
  }

  private async refusal(costs: TokenCost[], entries: SpentEntry[]): Promise<OceanError | undefined> {
    const now = this.clock();
    for (const cost of costs) {
      if (cost.amount <= 0n) continue;
      for (const rule of this.rulesFor(cost.token)) {
        const decimals = await this.decimals(cost.token);
        const units = (value: bigint): string => formatUnits(value, decimals);
        const base = { field: rule.field, token: cost.token, cost: units(cost.amount) };
        if (rule.perJob !== undefined) {
          const max = parseUnits(rule.perJob, decimals);
          if (cost.amount > max) {
            return new OceanError('PAYMENT_LIMIT', `${rule.field}: nothing was paid; this job would commit ${units(cost.amount)} of token ${cost.token}, more than the ${rule.perJob} allowed per job`, {
              details: { ...base, limit: 'perJob', max: rule.perJob },
            });
          }
        }
        if (rule.limit !== undefined && rule.windowSeconds !== undefined) {
          const max = parseUnits(rule.limit, decimals);
          const inWindow = this.inWindow(entries, cost.token, rule.windowSeconds, now);
          const spent = inWindow.reduce((sum, e) => sum + BigInt(e.amount), 0n);
          if (spent + cost.amount > max) {
            const freesAt = this.freesAt(inWindow, spent + cost.amount - max, rule.windowSeconds);
            const window = rule.period ?? formatWindow(rule.windowSeconds);
            return new OceanError(
              'PAYMENT_LIMIT',
              `${rule.field}: nothing was paid; this job would commit ${units(cost.amount)} of token ${cost.token}, and ${units(spent)} of the ${rule.limit} allowed per ${window} is spent${freesAt ? `; room again at ${freesAt}` : ''}`,
              { details: { ...base, limit: 'window', window, max: rule.limit, spent: units(spent), ...(freesAt ? { freesAt } : {}) } },
            );
          }
        }
      }
    }
    return undefined;
  }

  private async roomOf(rule: BudgetRule, token: string, entries: SpentEntry[]): Promise<BudgetRoom> {
    const decimals = await this.decimals(token);
    if (rule.limit !== undefined && rule.windowSeconds !== undefined) {
      const inWindow = this.inWindow(entries, token, rule.windowSeconds, this.clock());
      const spent = inWindow.reduce((sum, e) => sum + BigInt(e.amount), 0n);
      const max = parseUnits(rule.limit, decimals);
      const oldest = inWindow[0];
      return {
        field: rule.field,
        token,
        kind: 'window',
        max: rule.limit,
        spent: formatUnits(spent, decimals),
        remaining: formatUnits(max > spent ? max - spent : 0n, decimals),
        window: rule.period ?? formatWindow(rule.windowSeconds),
        ...(oldest ? { nextFreesAt: new Date(oldest.at + rule.windowSeconds * 1000).toISOString() } : {}),
      };
    }
    return { field: rule.field, token, kind: 'perJob', max: rule.perJob ?? '0', remaining: rule.perJob ?? '0' };
  }

  private inWindow(entries: SpentEntry[], token: string, windowSeconds: number, now: number): SpentEntry[] {
    const since = now - windowSeconds * 1000;
    return entries.filter((e) => e.at > since && sameAddress(e.token, token)).sort((a, b) => a.at - b.at);
  }

  /** When enough of the window's spending has left it for `excess` more to fit. */
  private freesAt(inWindow: SpentEntry[], excess: bigint, windowSeconds: number): string | undefined {
    let freed = 0n;
    for (const entry of inWindow) {
      freed += BigInt(entry.amount);
      if (freed >= excess) return new Date(entry.at + windowSeconds * 1000).toISOString();
    }
    return undefined;
  }

  private async load(): Promise<SpentEntry[]> {
    if (!this.entries) {
      try {
        this.entries = (await this.store?.load()) ?? [];
      } catch (error) {
        throw new OceanError('PAYMENT_LIMIT', `Nothing was paid: the spending on record could not be read (${(error as Error).message}), so the budget cannot be checked`);
      }
    }
    return this.entries;
  }

  private async save(entries: SpentEntry[]): Promise<void> {
    const longest = Math.max(0, ...this.rules.map((r) => r.windowSeconds ?? 0));
    const since = this.clock() - longest * 1000;
    this.entries = entries.filter((e) => e.at > since);
    try {
      await this.store?.save(this.entries);
    } catch (error) {
      throw new OceanError('PAYMENT_LIMIT', `Nothing was paid: the spending could not be recorded (${(error as Error).message}), so the budget cannot be kept`);
    }
  }
}

/** A budget's hold on a start's costs until the start is settled. */
export class Reservation {
  private settled = false;

  constructor(private readonly onSettle: (actual: TokenCost[]) => Promise<void>) {}

  /** Replaces the reserved costs by what was really committed (nothing, if nothing was). */
  async settle(actual: TokenCost[]): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.onSettle(actual);
  }
}

function formatWindow(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
