import type { Dialect, PlainPlan } from '../dialects';
import { sameAddress, type ComputeEnvironment } from '../environments';
import { OceanError, isOceanError } from '../errors';
import type { AssetInput, StartJobRequest } from '../job-request';
import type { CheckedAsset } from '../start-checks';
import type { TokenCost } from './budget';
import type { ChainAccess } from './chain';
import { prepareEscrow } from './escrow';
import { KNOWN_ESCROW_ADDRESSES } from './escrow-addresses';
import { ONE_DATATOKEN, orderAction, payForAsset, type OrderAction } from './orders';
import { checkEscrowQuote, checkProviderFees, localEscrowPrice, localV2Fee, type QuoteContext } from './quote-check';
import type { EscrowQuote, InitializeItem, PaidOrder, PaymentOptions } from './types';

/**
 * Orders this client already paid, by asset, service and environment: a later job reuses them.
 * A Provider v2 runs one job at a time per agreement (the order that paid the environment, the
 * main dataset's): an order a start of this client is using is not handed out until that start
 * has its answer, and one a running job uses is checked for (`PaymentContext.runningAgreements`).
 */
export class OrderMemory {
  private readonly orders = new Map<string, string>();
  private readonly inUse = new Map<string, number>();

  get(did: string, serviceId: string, environment: string): string | undefined {
    const tx = this.orders.get(`${did}|${serviceId}|${environment}`);
    return tx && !this.inUse.has(tx) ? tx : undefined;
  }

  set(did: string, serviceId: string, environment: string, tx: string): void {
    this.orders.set(`${did}|${serviceId}|${environment}`, tx);
  }

  /** Keeps `tx` from other starts until the returned function is called. */
  use(tx: string): () => void {
    this.inUse.set(tx, (this.inUse.get(tx) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.inUse.get(tx) ?? 1) - 1;
      if (left > 0) this.inUse.set(tx, left);
      else this.inUse.delete(tx);
    };
  }
}

export interface PaymentContext {
  chain: ChainAccess;
  dialect: Dialect;
  consumerAddress: string;
  /** The connection's chain. */
  chainId: number;
  /** The backend's own address from its root answer: whom fees may be paid to. */
  providerAddress?: string;
  environment: ComputeEnvironment;
  send(plan: PlainPlan): Promise<unknown>;
  memory: OrderMemory;
  /** Provider v2: the agreements (orders) of the wallet's jobs still running. */
  runningAgreements(): Promise<Set<string>>;
  options: PaymentOptions;
}

/** One published asset's line of the plan: what initialize said, and what paying for it takes. */
export interface PlannedOrder {
  asset: CheckedAsset;
  item?: InitializeItem;
  action: OrderAction;
}

/** What a paid start will do and commit, known before any transaction. */
export interface PaymentPlan {
  /** The request with the payment token and any remembered orders filled in. */
  request: StartJobRequest;
  orders: PlannedOrder[];
  /** Ocean Node's escrow quote, checked. */
  escrow?: EscrowQuote;
  /** Everything the start commits, per token, in base units: orders, provider fees, the escrow lock. */
  costs: TokenCost[];
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 60_000;
const DEFAULT_CLAIM_SECONDS = 3600;

/**
 * Asks the backend for the price of a paid job (initializeCompute), checks every quote against
 * what the wallet knows, and adds up what the start would commit. No transaction: a refused
 * quote costs nothing, and a quote-only request stops here.
 */
export async function planPayment(request: StartJobRequest, checked: CheckedAsset[], ctx: PaymentContext): Promise<PaymentPlan> {
  const { chain, dialect, environment } = ctx;
  await chain.ready();
  for (const asset of checked) chain.assertChain(asset.ddo.chainId, `${asset.field} (${asset.input.did})`);
  const withOrders = await withRememberedOrders(request, checked, ctx);
  const needsEscrow = dialect.kind === 'ocean-node' && !request.free;
  const payment = needsEscrow ? (withOrders.payment ?? { chainId: environment.chainId, token: firstFeeToken(environment) }) : withOrders.payment;
  const priced: StartJobRequest = { ...withOrders, payment };
  // Orders the caller paid itself are trusted as given; remembered ones are checked by initialize.
  if (!needsEscrow && checked.every((asset) => asset.input.transferTxId)) return { request: priced, orders: [], costs: [] };

  const sentAt = Math.floor(Date.now() / 1000);
  const validUntil = sentAt + (request.maxJobDuration ?? environment.maxJobDuration ?? 3600);
  const answer = dialect.parseInitialize(await ctx.send(dialect.initializePlan(ctx.consumerAddress, priced, validUntil)));
  const datasetItems = [...answer.datasets];
  const orders = checked.map((asset) => {
    const item = asset.field === 'algorithm' ? answer.algorithm : datasetItems.shift();
    return { asset, item, action: item ? orderAction(item) : ('none' as const) };
  });

  const quote = quoteContext(priced, ctx);
  for (const { asset, item } of orders) {
    if (item?.datatoken && asset.service.datatokenAddress && !sameAddress(item.datatoken, asset.service.datatokenAddress)) {
      throw new OceanError('PAYMENT_REFUSED', `Nothing was paid: the backend's price quote was refused, because it names datatoken ${item.datatoken} for ${asset.field}, not the DDO's ${asset.service.datatokenAddress}`, {
        details: { field: `${asset.field}.datatoken`, expected: asset.service.datatokenAddress, got: item.datatoken },
      });
    }
  }
  if (needsEscrow && !answer.payment) throw new OceanError('BAD_RESPONSE', 'The Ocean Node gave no escrow quote (payment) for a paid job');
  if (needsEscrow && answer.payment) await checkEscrowQuote(answer.payment, quote);
  const fees = orders.flatMap(({ asset, item }) => (item?.providerFee ? [{ field: asset.field, fee: item.providerFee }] : []));
  await checkProviderFees(fees, quote, (token, decimals) =>
    dialect.kind === 'ocean-node' ? localEscrowPrice(environment, token, priced, decimals) : localV2Fee(environment, validUntil - sentAt, decimals),
  );
  const escrow = needsEscrow ? answer.payment : undefined;
  return { request: priced, orders, escrow, costs: addUp([...orders.flatMap(orderCosts), ...(escrow ? [{ token: escrow.token, amount: BigInt(escrow.amount) }] : [])]) };
}

export interface PaidStart {
  /** The request with its transferTxIds. */
  request: StartJobRequest;
  /** Lets go of the escrow funds held for this start, once the backend has answered it. */
  release(): void;
}

/**
 * Pays what the plan says: orders (or reuses) every published asset, and on Ocean Node makes the
 * escrow ready for the job's price. Each cost is pushed to `committed` once its transaction is
 * mined. If a later step fails, the error lists the orders already paid, so a retry can pass them
 * back instead of paying again.
 */
export async function executePayment(plan: PaymentPlan, ctx: PaymentContext, committed: TokenCost[] = []): Promise<PaidStart> {
  const { chain, environment } = ctx;
  const receiptTimeoutMs = ctx.options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS;
  const paid: PaidOrder[] = [];
  const releases: Array<() => void> = [];
  const release = (): void => releases.forEach((r) => r());
  let result = plan.request;
  try {
    for (const order of plan.orders) {
      const { asset, item } = order;
      if (!item) continue;
      const tx = await payForAsset(chain, item, { field: asset.field, did: asset.input.did, service: asset.service, consumer: environment.consumerAddress }, receiptTimeoutMs);
      committed.push(...orderCosts(order));
      ctx.memory.set(asset.input.did, asset.service.id, plan.request.environment, tx);
      if (isAgreement(asset, ctx)) releases.push(ctx.memory.use(tx));
      paid.push({ field: asset.field, did: asset.input.did, serviceId: asset.service.id, transferTxId: tx });
      result = setTransferTxId(result, asset.field, tx);
    }
    if (plan.escrow) releases.push(await prepareEscrow(chain, plan.escrow, ctx.options.escrow ?? {}, receiptTimeoutMs));
    return { request: result, release };
  } catch (error) {
    release();
    throw withPaidOrders(error, paid);
  }
}

/** What paying one line commits: a new order takes one datatoken; a new or renewed order, its provider fee. */
function orderCosts({ asset, item, action }: PlannedOrder): TokenCost[] {
  const costs: TokenCost[] = [];
  if (action === 'order') costs.push({ token: item?.datatoken ?? asset.service.datatokenAddress ?? '', amount: ONE_DATATOKEN });
  if ((action === 'order' || action === 'renew') && item?.providerFee) costs.push({ token: item.providerFee.providerFeeToken, amount: BigInt(item.providerFee.providerFeeAmount) });
  return costs.filter((c) => c.amount > 0n && c.token !== '');
}

/** Provider v2's agreement: the order of the main dataset, which pays the environment. */
function isAgreement(asset: CheckedAsset, ctx: PaymentContext): boolean {
  return ctx.dialect.kind === 'provider-v2' && asset.field === 'datasets[0]';
}

/** One entry per token, amounts added. */
export function addUp(costs: TokenCost[]): TokenCost[] {
  const byToken = new Map<string, TokenCost>();
  for (const cost of costs) {
    const key = cost.token.toLowerCase();
    const known = byToken.get(key);
    byToken.set(key, { token: known?.token ?? cost.token, amount: (known?.amount ?? 0n) + cost.amount });
  }
  return [...byToken.values()];
}

/** What the quote is checked against: the connection, the environment, and the chain's own records. */
function quoteContext(request: StartJobRequest, ctx: PaymentContext): QuoteContext {
  const escrow = ctx.options.escrow ?? {};
  return {
    chainId: ctx.chainId,
    environment: ctx.environment,
    providerAddress: ctx.providerAddress,
    escrowAddress: escrowAddressFor(ctx.chainId, ctx.options),
    claimSeconds: escrow.claimSeconds ?? DEFAULT_CLAIM_SECONDS,
    request,
    decimals: (token) => ctx.chain.decimals(token),
  };
}

/** The Escrow contract of the chain: set on the connection, or Ocean's deployment. */
export function escrowAddressFor(chainId: number, options: PaymentOptions): string | undefined {
  return options.escrow?.escrowAddress || KNOWN_ESCROW_ADDRESSES[chainId];
}

function firstFeeToken(environment: ComputeEnvironment): string {
  const [token] = environment.feeTokens;
  if (!token) throw new OceanError('REQUEST_REJECTED', `Environment ${environment.id} takes no payment on chain ${environment.chainId}`);
  return token;
}

function setTransferTxId(request: StartJobRequest, field: string, transferTxId: string): StartJobRequest {
  if (field === 'algorithm') return { ...request, algorithm: { ...(request.algorithm as AssetInput), transferTxId } };
  const index = Number(/\[(\d+)\]/.exec(field)?.[1]);
  return { ...request, datasets: request.datasets.map((d, i) => (i === index ? { ...(d as AssetInput), transferTxId } : d)) };
}

/** Fills in orders this client paid earlier for the same asset, service and environment, unless a running job holds them. */
async function withRememberedOrders(request: StartJobRequest, checked: CheckedAsset[], ctx: PaymentContext): Promise<StartJobRequest> {
  let result = request;
  for (const asset of checked) {
    const known = asset.input.transferTxId ? undefined : ctx.memory.get(asset.input.did, asset.service.id, request.environment);
    if (!known || (isAgreement(asset, ctx) && (await ctx.runningAgreements()).has(known.toLowerCase()))) continue;
    result = setTransferTxId(result, asset.field, known);
  }
  return result;
}

function withPaidOrders(error: unknown, paid: PaidOrder[]): unknown {
  if (!isOceanError(error) || paid.length === 0) return error;
  const copy = new OceanError(error.code, `${error.message} (already paid: ${paid.map((p) => `${p.field} order ${p.transferTxId}`).join(', ')}; pass them as transferTxId to retry without paying again)`, {
    ...error.info(),
    details: { ...error.details, paidOrders: paid },
  });
  copy.stack = error.stack;
  return copy;
}
