import { formatEther, isAddress, parseUnits, type Wallet } from 'ethers';
import type { Dialect, PlainPlan } from '../dialects';
import type { ComputeEnvironment } from '../environments';
import type { ComputeJob } from '../jobs';
import { OceanError, invalidInput, isOceanError } from '../errors';
import type { StartJobRequest } from '../job-request';
import type { ConnectionSettings } from '../settings';
import type { CheckedAsset } from '../start-checks';
import { readHoldings, withdrawFromEscrow, type AccountView, type Withdrawal } from './account';
import { Budget, type BudgetRule, type SpendingStore, type TokenCost } from './budget';
import { ChainAccess } from './chain';
import { OrderMemory, escrowAddressFor, executePayment, planPayment, type PaymentContext, type PaymentPlan } from './pay';
import { describeQuote, type JobQuote } from './quote';
import type { PaymentOptions } from './types';

/** What the client lends its payments: the connection, the backend's answers, the wallet. */
export interface PaymentsHost {
  settings: ConnectionSettings;
  environments(): Promise<ComputeEnvironment[]>;
  /** The backend's own address from its root answer. */
  providerAddress(): Promise<string | undefined>;
  send(plan: PlainPlan): Promise<unknown>;
  wallet(action: string): Wallet;
  /** The wallet's jobs, as the backend lists them. */
  jobs(): Promise<ComputeJob[]>;
}

export interface BudgetOptions {
  rules: BudgetRule[];
  /** Where what was committed is kept, so a restart does not forget it. */
  store?: SpendingStore;
  clock?: () => number;
}

/** A start whose payment is done (or not needed): tell it how the start went, so the budget counts what was committed. */
export interface PreparedStart {
  request: StartJobRequest;
  started(): Promise<void>;
  failed(error: unknown): Promise<void>;
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 60_000;

/** Errors after which nobody knows whether the backend started the job: its price stays counted. */
const NO_ANSWER = new Set(['TIMEOUT', 'UNREACHABLE', 'ABORTED']);

/**
 * Everything a paid start does with money, for one connection: the quote and its checks, the
 * budget, the orders and the escrow, on the connection's chain.
 */
export class Payments {
  readonly budget: Budget;
  private readonly memory = new OrderMemory();
  private chainAccess?: ChainAccess;

  constructor(
    private readonly host: PaymentsHost,
    readonly options: PaymentOptions = {},
    budget: BudgetOptions = { rules: [] },
  ) {
    this.budget = new Budget(budget.rules, budget.store, (token) => this.chain().decimals(token), budget.clock);
  }

  /**
   * Pays what a start needs, within the budget. A free job pays nothing, on either backend: on
   * Ocean Node it uses the free tier; a Provider v2 needs datatoken orders, so a free job there runs
   * only on orders passed in as transferTxId.
   */
  async prepare(request: StartJobRequest, checked: CheckedAsset[], dialect: Dialect, consumerAddress: string): Promise<PreparedStart> {
    const plan = await this.plan(request, checked, dialect, consumerAddress);
    if (!plan) return { request, started: async () => undefined, failed: async () => undefined };
    const reservation = this.budget.active ? await this.budget.reserve(plan.plan.costs) : undefined;
    const committed: TokenCost[] = [];
    try {
      const paid = await executePayment(plan.plan, plan.context, committed);
      return {
        request: paid.request,
        started: async () => {
          paid.release();
          await reservation?.settle(plan.plan.costs);
        },
        // Orders are paid whatever the start does; the escrow is locked only by a start that happened.
        failed: async (error) => {
          paid.release();
          await reservation?.settle(isOceanError(error) && NO_ANSWER.has(error.code) ? plan.plan.costs : committed);
        },
      };
    } catch (error) {
      await reservation?.settle(committed);
      throw error;
    }
  }

  /** What a start would commit, per token, and whether the budget allows it; no transaction. */
  async quote(request: StartJobRequest, checked: CheckedAsset[], dialect: Dialect, consumerAddress: string): Promise<JobQuote> {
    const plan = await this.plan(request, checked, dialect, consumerAddress);
    const verdict = plan && this.budget.active ? await this.budget.check(plan.plan.costs) : { allowed: true };
    return describeQuote(request, plan?.plan, plan ? this.chain() : undefined, verdict);
  }

  /** The wallet's holdings (the given fee tokens, the budgets' tokens, the escrow's), and the budgets' room. */
  async account(feeTokens: string[], withEscrow: boolean): Promise<AccountView> {
    const chain = this.chain();
    const ruleTokens = this.budget.rules.map((r) => r.token).filter((t) => t !== '*');
    const tokens = await readHoldings(chain, [...feeTokens, ...ruleTokens], withEscrow ? escrowAddressFor(this.host.settings.chainId, this.options) : undefined);
    return {
      address: chain.address,
      chainId: this.host.settings.chainId,
      native: formatEther(await chain.provider.getBalance(chain.address)),
      tokens,
      budgets: await this.budget.room(tokens.map((h) => h.token)),
    };
  }

  /** Unlocked escrow funds back into the wallet: `amount` (token units, "2.5") or all that is available. */
  async withdraw(token: string, amount?: string): Promise<Withdrawal> {
    if (!isAddress(token)) throw invalidInput('token', 'the 0x address of a token the escrow holds', token);
    if (amount !== undefined && !/^\d+(\.\d+)?$/.test(amount)) throw invalidInput('amount', 'an amount of tokens such as 5 or 0.5, or nothing for all that is available', amount);
    const escrow = escrowAddressFor(this.host.settings.chainId, this.options);
    if (!escrow) throw new OceanError('INVALID_CONFIG', `escrowAddress: no Escrow contract is known for chain ${this.host.settings.chainId}; set it in the connection`, { details: { field: 'escrowAddress' } });
    const chain = this.chain();
    // The RPC is checked before the token's decimals are read, so an RPC that is down says so.
    await chain.ready();
    const base = amount === undefined ? undefined : parseUnits(amount, await chain.decimals(token));
    return withdrawFromEscrow(chain, escrow, token, base, this.options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS);
  }

  /** The connection's chain, opened on first use. */
  chain(): ChainAccess {
    const { rpcUrl, chainId } = this.host.settings;
    if (!rpcUrl) throw new OceanError('INVALID_CONFIG', 'rpcUrl: paid jobs need the JSON-RPC URL of the chain; set it in the connection', { details: { field: 'rpcUrl' } });
    this.chainAccess ??= new ChainAccess(rpcUrl, chainId, this.host.wallet('pay for jobs'));
    return this.chainAccess;
  }

  close(): void {
    this.chainAccess?.close();
  }

  /** The plan of a paid start, or undefined when it pays nothing. */
  private async plan(request: StartJobRequest, checked: CheckedAsset[], dialect: Dialect, consumerAddress: string): Promise<{ plan: PaymentPlan; context: PaymentContext } | undefined> {
    const unpaid = checked.filter((asset) => !asset.input.transferTxId);
    if (request.free === true) {
      if (dialect.kind === 'ocean-node' || unpaid.length === 0) return undefined;
      throw new OceanError('PAYMENT_REFUSED', `Nothing was paid: the job is set to free, but a ${dialect.label} needs a datatoken order for ${unpaid.map((a) => a.field).join(', ')}; set the node's tier to paid to order, or pass paid orders as transferTxId`, {
        details: { field: 'free', unpaid: unpaid.map((a) => a.field) },
      });
    }
    if (dialect.kind !== 'ocean-node' && unpaid.length === 0) return undefined;
    const environment = (await this.host.environments()).find((env) => env.id === request.environment);
    if (!environment) {
      throw new OceanError('INVALID_INPUT', `environment: ${this.host.settings.providerUrl} has no compute environment "${request.environment}" on chain ${this.host.settings.chainId}`, { details: { field: 'environment' } });
    }
    const context: PaymentContext = {
      chain: this.chain(),
      dialect,
      consumerAddress,
      chainId: this.host.settings.chainId,
      providerAddress: await this.host.providerAddress(),
      environment,
      send: (plan) => this.host.send(plan),
      memory: this.memory,
      runningAgreements: async () => new Set((await this.host.jobs()).filter((job) => !job.done).map((job) => String(job.raw.agreementId ?? '').toLowerCase())),
      options: this.options,
    };
    return { plan: await planPayment(request, checked, context), context };
  }
}
