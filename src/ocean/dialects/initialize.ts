import { lenientNumber } from '../environments';
import { OceanError } from '../errors';
import type { EscrowQuote, InitializeAnswer, InitializeItem, ProviderFee } from '../payment/types';
import { isRecord } from '../server-message';

function providerFee(value: unknown): ProviderFee | undefined {
  if (!isRecord(value)) return undefined;
  return {
    providerFeeAddress: String(value.providerFeeAddress ?? ''),
    providerFeeToken: String(value.providerFeeToken ?? ''),
    providerFeeAmount: String(value.providerFeeAmount ?? '0'),
    providerData: String(value.providerData ?? '0x'),
    v: lenientNumber(value.v) ?? 0,
    r: String(value.r ?? ''),
    s: String(value.s ?? ''),
    validUntil: lenientNumber(value.validUntil) ?? 0,
  };
}

function item(value: unknown): InitializeItem {
  if (!isRecord(value)) return {};
  // Ocean Node answers `validOrder: false` when there is none.
  const validOrder = typeof value.validOrder === 'string' && value.validOrder.startsWith('0x') ? value.validOrder : undefined;
  return {
    validOrder,
    datatoken: typeof value.datatoken === 'string' ? value.datatoken : undefined,
    providerFee: providerFee(value.providerFee),
  };
}

function escrowQuote(value: unknown): EscrowQuote | undefined {
  if (!isRecord(value) || typeof value.escrowAddress !== 'string') return undefined;
  return {
    escrowAddress: value.escrowAddress,
    payee: String(value.payee ?? ''),
    chainId: lenientNumber(value.chainId) ?? 0,
    token: String(value.token ?? ''),
    amount: String(value.amount ?? '0'),
    minLockSeconds: lenientNumber(value.minLockSeconds) ?? 0,
  };
}

/** Both backends answer `{datasets: [item], algorithm?: item}`; Ocean Node adds the escrow `payment` quote. */
export function parseInitialize(body: unknown): InitializeAnswer {
  if (!isRecord(body)) throw new OceanError('BAD_RESPONSE', 'initializeCompute answered something that is not an object');
  return {
    datasets: Array.isArray(body.datasets) ? body.datasets.map(item) : [],
    algorithm: body.algorithm === undefined ? undefined : item(body.algorithm),
    payment: escrowQuote(body.payment),
  };
}
