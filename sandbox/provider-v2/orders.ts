import { ONE_DATATOKEN } from '../chain/publish';
import { readOrder, type OrderFacts } from '../chain/read-order';
import { sameAddress } from '../chain/values';
import type { ChainLink } from '../chain-link';
import { decodeProviderData, namesService, nowSeconds } from '../payments/provider-data';

export interface V2OrderTerms {
  txHash: string;
  datatoken: string;
  serviceId: string;
  serviceIndex: number;
  /** service.timeout in seconds; 0 = forever. */
  timeout: number;
  /** The request's consumerAddress: it must be the order's consumer or payer. */
  sender: string;
  providerAddress: string;
  /** For datasets: the env the fee was quoted for must be the one asked for. */
  environment?: string;
  /** initialize reuses an order whose fee has run out (it quotes a new fee); start does not. */
  allowExpiredFee: boolean;
}

/** What a valid order paid the Provider. */
export interface V2PaidOrder {
  txHash: string;
  feeAmount: bigint;
  validUntil: bigint;
}

export async function validateV2Order(chain: ChainLink, terms: V2OrderTerms): Promise<V2PaidOrder | null> {
  const facts = await chain.read(`reading order ${terms.txHash}`, (provider) => readOrder(provider, terms.txHash, terms.datatoken));
  return v2OrderVerdict(facts, terms);
}

/** The Provider's `verify_order_tx` (protocol doc 6.2): null when the order is not good for this input. */
export function v2OrderVerdict(facts: OrderFacts | null, terms: V2OrderTerms, now = nowSeconds()): V2PaidOrder | null {
  if (!facts || facts.status !== 1) return null;
  const fee = facts.providerFee;
  if (!fee || !sameAddress(fee.providerFeeAddress, terms.providerAddress) || !sameAddress(fee.signer, terms.providerAddress)) return null;
  const data = decodeProviderData(fee.providerData);
  if (!data || !namesService(data, terms.datatoken, terms.serviceId)) return null;
  if (terms.environment !== undefined && data.environment !== terms.environment) return null;
  if (!terms.allowExpiredFee && feeExpired(Number(fee.validUntil), facts.blockTimestamp, data.timestamp, now)) return null;

  const order = facts.orderReused ? facts.original : facts;
  const started = order?.orderStarted;
  if (!order || order.status !== 1 || !started) return null;
  if (started.serviceIndex !== BigInt(terms.serviceIndex) || started.amount < ONE_DATATOKEN) return null;
  const orderedAt = Number(facts.orderReused ? facts.orderReused.timestamp : started.timestamp);
  if (terms.timeout !== 0 && now - orderedAt > terms.timeout) return null;
  if (!sameAddress(started.consumer, terms.sender) && !sameAddress(started.payer, terms.sender)) return null;
  return { txHash: terms.txHash, feeAmount: fee.providerFeeAmount, validUntil: fee.validUntil };
}

/**
 * Past validUntil, the Provider still grants the time between the quote (providerData
 * timestamp) and the order's block, plus 90 s.
 */
function feeExpired(validUntil: number, orderBlockTime: number, quotedAt: unknown, now: number): boolean {
  if (now < validUntil) return false;
  if (typeof quotedAt !== 'number') return true;
  return now >= validUntil + (orderBlockTime - quotedAt + 90);
}
