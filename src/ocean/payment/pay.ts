import type { Dialect, PlainPlan } from '../dialects';
import type { ComputeEnvironment } from '../environments';
import { OceanError, isOceanError } from '../errors';
import type { AssetInput, StartJobRequest } from '../job-request';
import type { CheckedAsset } from '../start-checks';
import { sameAddress } from '../environments';
import type { ChainAccess } from './chain';
import { prepareEscrow } from './escrow';
import { KNOWN_ESCROW_ADDRESSES } from './escrow-addresses';
import { payForAsset } from './orders';
import { checkEscrowQuote, checkProviderFees, localEscrowPrice, localV2Fee, type QuoteContext } from './quote-check';
import type { PaidOrder, PaymentOptions } from './types';

/** Orders this client already paid, by asset, service and environment: a later job reuses them. */
export class OrderMemory {
  private readonly orders = new Map<string, string>();

  get(did: string, serviceId: string, environment: string): string | undefined {
    return this.orders.get(`${did}|${serviceId}|${environment}`);
  }

  set(did: string, serviceId: string, environment: string, tx: string): void {
    this.orders.set(`${did}|${serviceId}|${environment}`, tx);
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
  options: PaymentOptions;
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 60_000;
const DEFAULT_CLAIM_SECONDS = 3600;

/**
 * Pays what a job needs before it starts: orders (or reuses) every published asset, and on
 * Ocean Node makes the escrow ready for the job's price. Returns the request with its
 * transferTxIds and payment filled in. If a later step fails, the error lists the orders
 * already paid, so a retry can pass them back instead of paying again.
 */
export async function payForJob(request: StartJobRequest, checked: CheckedAsset[], ctx: PaymentContext): Promise<StartJobRequest> {
  const { chain, dialect, environment } = ctx;
  await chain.ready();
  for (const asset of checked) chain.assertChain(asset.ddo.chainId, `${asset.field} (${asset.input.did})`);
  const paid: PaidOrder[] = [];
  try {
    const withOrders = withRememberedOrders(request, checked, ctx);
    const needsEscrow = dialect.kind === 'ocean-node' && !request.free;
    const payment = needsEscrow ? (withOrders.payment ?? { chainId: environment.chainId, token: firstFeeToken(environment) }) : withOrders.payment;
    const priced: StartJobRequest = { ...withOrders, payment };
    // Orders the caller paid itself are trusted as given; remembered ones are checked by initialize.
    if (!needsEscrow && checked.every((asset) => asset.input.transferTxId)) return priced;

    const sentAt = Math.floor(Date.now() / 1000);
    const validUntil = sentAt + (request.maxJobDuration ?? environment.maxJobDuration ?? 3600);
    const answer = dialect.parseInitialize(await ctx.send(dialect.initializePlan(ctx.consumerAddress, priced, validUntil)));
    const datasetItems = [...answer.datasets];
    const lines = checked.map((asset) => ({ asset, item: asset.field === 'algorithm' ? answer.algorithm : datasetItems.shift() }));

    // Every quote is checked before the first transaction: what is refused costs nothing.
    const quote = quoteContext(priced, ctx);
    for (const { asset, item } of lines) {
      if (item?.datatoken && asset.service.datatokenAddress && !sameAddress(item.datatoken, asset.service.datatokenAddress)) {
        throw new OceanError('PAYMENT_REFUSED', `Nothing was paid: the backend's price quote was refused, because it names datatoken ${item.datatoken} for ${asset.field}, not the DDO's ${asset.service.datatokenAddress}`, {
          details: { field: `${asset.field}.datatoken`, expected: asset.service.datatokenAddress, got: item.datatoken },
        });
      }
    }
    if (needsEscrow && !answer.payment) throw new OceanError('BAD_RESPONSE', 'The Ocean Node gave no escrow quote (payment) for a paid job');
    if (needsEscrow && answer.payment) await checkEscrowQuote(answer.payment, quote);
    const fees = lines.flatMap(({ asset, item }) => (item?.providerFee ? [{ field: asset.field, fee: item.providerFee }] : []));
    await checkProviderFees(fees, quote, (token, decimals) =>
      dialect.kind === 'ocean-node' ? localEscrowPrice(environment, token, priced, decimals) : localV2Fee(environment, validUntil - sentAt, decimals),
    );

    const receiptTimeoutMs = ctx.options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS;
    let result = priced;
    for (const { asset, item } of lines) {
      if (!item) continue;
      const tx = await payForAsset(chain, item, { field: asset.field, did: asset.input.did, service: asset.service, consumer: environment.consumerAddress }, receiptTimeoutMs);
      ctx.memory.set(asset.input.did, asset.service.id, request.environment, tx);
      paid.push({ field: asset.field, did: asset.input.did, serviceId: asset.service.id, transferTxId: tx });
      result = setTransferTxId(result, asset.field, tx);
    }
    if (needsEscrow && answer.payment) await prepareEscrow(chain, answer.payment, ctx.options.escrow ?? {}, receiptTimeoutMs);
    return result;
  } catch (error) {
    throw withPaidOrders(error, paid);
  }
}

/** What the quote is checked against: the connection, the environment, and the chain's own records. */
function quoteContext(request: StartJobRequest, ctx: PaymentContext): QuoteContext {
  const escrow = ctx.options.escrow ?? {};
  return {
    chainId: ctx.chainId,
    environment: ctx.environment,
    providerAddress: ctx.providerAddress,
    escrowAddress: escrow.escrowAddress || KNOWN_ESCROW_ADDRESSES[ctx.chainId],
    claimSeconds: escrow.claimSeconds ?? DEFAULT_CLAIM_SECONDS,
    request,
    decimals: (token) => ctx.chain.decimals(token),
  };
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

/** Fills in orders this client paid earlier for the same asset, service and environment. */
function withRememberedOrders(request: StartJobRequest, checked: CheckedAsset[], ctx: PaymentContext): StartJobRequest {
  let result = request;
  for (const asset of checked) {
    const known = asset.input.transferTxId ? undefined : ctx.memory.get(asset.input.did, asset.service.id, request.environment);
    if (known) result = setTransferTxId(result, asset.field, known);
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
