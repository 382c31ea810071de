import type { SandboxContext } from '../context';
import type { EnvironmentSpec } from '../options';
import { quoteV2Fee } from './fees';
import { validateV2Order } from './orders';

type Body = Record<string, unknown>;

export interface ItemRequest {
  transferTxId: unknown;
  datatoken: string;
  service: Body;
  serviceIndex: number;
  /** The request's consumerAddress. */
  consumer: string;
  environment: string;
  spec: EnvironmentSpec;
  validUntil: number;
  /** Not the input that pays the environment fee. */
  zero: boolean;
}

/**
 * One initializeCompute item (protocol doc 5.1): `{validOrder}` alone when the given order and its
 * fee cover validUntil; else a new fee, with `validOrder` when the order itself can be reused.
 */
export async function initializeItem(ctx: SandboxContext, request: ItemRequest): Promise<Body> {
  const serviceId = String(request.service.id);
  let reusable: string | undefined;
  if (ctx.chain && typeof request.transferTxId === 'string' && request.transferTxId) {
    const order = await validateV2Order(ctx.chain, {
      txHash: request.transferTxId,
      datatoken: request.datatoken,
      serviceId,
      serviceIndex: request.serviceIndex,
      timeout: Number(request.service.timeout ?? 0),
      sender: request.consumer,
      providerAddress: ctx.options.provider.address,
      environment: request.environment,
      allowExpiredFee: true,
    });
    if (order && request.validUntil <= Number(order.validUntil)) return { validOrder: request.transferTxId };
    if (order) reusable = request.transferTxId;
  }
  const providerFee = await quoteV2Fee(ctx.options.provider, {
    environment: request.environment,
    spec: request.spec,
    datatoken: request.datatoken,
    serviceId,
    validUntil: request.validUntil,
    zero: request.zero,
  });
  return reusable ? { datatoken: request.datatoken, providerFee, validOrder: reusable } : { datatoken: request.datatoken, providerFee };
}
