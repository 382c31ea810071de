import { readOrder, type OrderFacts } from '../chain/read-order';
import { sameAddress } from '../chain/values';
import type { ChainLink } from '../chain-link';
import { decodeProviderData, namesService, nowSeconds } from '../payments/provider-data';

/** The order transaction behind a `transferTxId`, read for one datatoken; null when there is none. */
export function readNodeOrder(chain: ChainLink, txHash: string, datatoken: string): Promise<OrderFacts | null> {
  return chain.read(`reading order ${txHash}`, (provider) => readOrder(provider, txHash, datatoken));
}

export interface NodeOrderTerms {
  datatoken: string;
  serviceIndex: number;
  /** service.timeout in seconds; 0 = an order never expires. */
  timeout: number;
  /** The environment's consumerAddress (the node's own address). */
  consumer: string;
}

/**
 * Ocean Node's order rule: the tx went to the datatoken; its OrderStarted (the original one for a
 * reuse) names the environment's address as consumer or payer and the service's index; and the
 * original order is not older than the service timeout.
 */
export function nodeOrderValid(facts: OrderFacts | null, terms: NodeOrderTerms, now = nowSeconds()): boolean {
  if (!facts || facts.status !== 1 || !sameAddress(facts.to, terms.datatoken)) return false;
  const order = facts.orderReused ? facts.original : facts;
  const started = order?.orderStarted;
  if (!order || order.status !== 1 || !started) return false;
  if (!sameAddress(started.consumer, terms.consumer) && !sameAddress(started.payer, terms.consumer)) return false;
  if (started.serviceIndex !== BigInt(terms.serviceIndex)) return false;
  return terms.timeout === 0 || now - order.blockTimestamp <= terms.timeout;
}

/**
 * Whether the order's provider fee still holds, so initialize needs no new one: this node's fee
 * for the service, its validUntil a duration from the order's block (0 = forever).
 */
export function nodeProviderFeeValid(facts: OrderFacts, service: { datatoken: string; serviceId: string }, nodeAddress: string, now = nowSeconds()): boolean {
  const fee = facts.providerFee;
  if (!fee || !sameAddress(fee.providerFeeAddress, nodeAddress)) return false;
  if (!namesService(decodeProviderData(fee.providerData), service.datatoken, service.serviceId)) return false;
  return fee.validUntil === 0n || now < facts.blockTimestamp + Number(fee.validUntil);
}
