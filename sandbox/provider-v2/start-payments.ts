import type { ChainLink } from '../chain-link';
import type { EnvironmentSpec } from '../options';
import { v2FeeAmount } from './fees';
import { validateV2Order, type V2OrderTerms, type V2PaidOrder } from './orders';
import { Refusal } from './refusal';

type Body = Record<string, unknown>;

/** A published input of a start with what its order must match. */
export interface OrderedInput {
  /** "dataset", "datasets[1]"... or "algorithm". */
  resource: string;
  txHash: string;
  datatoken: string;
  service: Body;
  serviceIndex: number;
}

export interface StartPaymentTerms {
  owner: string;
  providerAddress: string;
  environment: string;
  spec: EnvironmentSpec;
  datasets: OrderedInput[];
  algorithm?: OrderedInput;
}

/**
 * The Provider's order checks at start (protocol doc 6.2): each dataset's order (fee quoted for
 * this environment), then the algorithm's, then that one input paid the environment fee for the
 * latest validUntil, counted from now. Resolves with that input's tx, the operator's agreementId.
 */
export async function checkStartPayments(chain: ChainLink, terms: StartPaymentTerms): Promise<string> {
  const paid: V2PaidOrder[] = [];
  for (const input of terms.datasets) {
    const order = await validateV2Order(chain, orderTerms(terms, input, terms.environment));
    if (!order) throw new Refusal(400, { error: { [`${input.resource}.serviceId`]: 'order_invalid' } });
    paid.push(order);
  }
  if (terms.algorithm) {
    const order = await validateV2Order(chain, orderTerms(terms, terms.algorithm, undefined));
    if (!order) throw new Refusal(400, { error: { algorithm: 'in_use_or_not_on_chain' } });
    paid.push(order);
  }
  const latest = paid.reduce((max, order) => (order.validUntil > max ? order.validUntil : max), 0n);
  const required = v2FeeAmount(terms.spec, Number(latest));
  const payer = paid.find((order) => order.feeAmount >= required);
  if (!payer) throw new Refusal(400, { error: { order: 'fees_not_paid' } });
  return payer.txHash;
}

function orderTerms(terms: StartPaymentTerms, input: OrderedInput, environment: string | undefined): V2OrderTerms {
  return {
    txHash: input.txHash,
    datatoken: input.datatoken,
    serviceId: String(input.service.id),
    serviceIndex: input.serviceIndex,
    timeout: Number(input.service.timeout ?? 0),
    sender: terms.owner,
    providerAddress: terms.providerAddress,
    environment,
    allowExpiredFee: false,
  };
}
