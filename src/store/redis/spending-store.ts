import { randomBytes } from 'node:crypto';
import type { SpendingStore, SpentEntry } from '../../ocean/payment/budget';
import { spendingDocument, spentEntries } from '../../ocean/payment/spending-store';
import type { JobKeys } from '../job-keys';
import type { RedisCommands } from './connection';
import { EXTEND_LOCK, RELEASE_LOCK, evalArgs } from './scripts';

export interface RedisSpendingStoreOptions {
  redis: RedisCommands;
  keys: JobKeys;
  /** How long the lock lasts unless its holder extends it (a holder that died frees it then). Default 10 s. */
  lockMs?: number;
  /** How long `lock` waits for another holder before it gives up. Default 15 s. */
  waitMs?: number;
}

/**
 * The budget counters in Redis, shared by every instance of the connection, with a lock around
 * each check-and-reserve: two instances cannot both pass a budget that holds one job.
 */
export class RedisSpendingStore implements SpendingStore {
  private readonly lockMs: number;
  private readonly waitMs: number;

  constructor(private readonly options: RedisSpendingStoreOptions) {
    this.lockMs = options.lockMs ?? 10_000;
    this.waitMs = options.waitMs ?? 15_000;
  }

  async load(): Promise<SpentEntry[]> {
    const text = await this.options.redis.command(['GET', this.options.keys.spending]);
    if (text === null || text === undefined) return [];
    return spentEntries(JSON.parse(String(text)) as unknown, `Redis key ${this.options.keys.spending}`);
  }

  async save(entries: SpentEntry[]): Promise<void> {
    await this.options.redis.command(['SET', this.options.keys.spending, JSON.stringify(spendingDocument(entries))]);
  }

  /** Runs `task` holding the connection's spending lock (SET NX with a token; extended while the task runs). */
  async lock<T>(task: () => Promise<T>): Promise<T> {
    const { redis, keys } = this.options;
    const token = randomBytes(16).toString('hex');
    const giveUpAt = Date.now() + this.waitMs;
    // Bounded by waitMs: each try sleeps 5 to 30 ms.
    while ((await redis.command(['SET', keys.spendingLock, token, 'NX', 'PX', String(this.lockMs)])) !== 'OK') {
      if (Date.now() > giveUpAt) throw new Error(`another instance held the budget lock for over ${this.waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 25)));
    }
    const extender = setInterval(() => void redis.command(evalArgs(EXTEND_LOCK, [keys.spendingLock, token, this.lockMs])).catch(() => undefined), Math.floor(this.lockMs / 3));
    try {
      return await task();
    } finally {
      clearInterval(extender);
      await redis.command(evalArgs(RELEASE_LOCK, [keys.spendingLock, token])).catch(() => undefined);
    }
  }
}
