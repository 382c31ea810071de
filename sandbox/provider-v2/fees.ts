import { ZeroAddress, parseUnits, type Signer } from 'ethers';
import { signProviderFee, type ProviderFee } from '../chain/provider-fee';
import type { EnvironmentSpec } from '../options';
import { encodeProviderData, nowSeconds } from '../payments/provider-data';

/** The environment's `priceMin` (fee token units per minute) as the Provider reads it. */
function priceMin(spec: EnvironmentSpec): string {
  return String(spec.v2PriceMin ?? spec.cpuPricePerMinute);
}

/**
 * Seconds the fee pays for, the way the Provider counts them: Python's `timedelta.seconds`, which
 * drops whole days (quirk, protocol doc 5.1), so a validUntil 25 h ahead pays for 1 h.
 */
export function feeSeconds(validUntil: number, now: number): number {
  const whole = Math.floor(validUntil - now);
  return ((whole % 86_400) + 86_400) % 86_400;
}

/** seconds × priceMin / 60, in base units of the 18-decimal fee token; 0 for the zero-address token. */
export function v2FeeAmount(spec: EnvironmentSpec, validUntil: number, now = nowSeconds()): bigint {
  if (spec.feeToken === ZeroAddress) return 0n;
  return (parseUnits(priceMin(spec), 18) * BigInt(feeSeconds(validUntil, now))) / 60n;
}

export interface V2FeeRequest {
  environment: string;
  spec: EnvironmentSpec;
  datatoken: string;
  serviceId: string;
  validUntil: number;
  /** Inputs other than the one paying the environment get a fee of 0. */
  zero: boolean;
}

/** A Provider v2 fee: providerData `{"environment","timestamp","dt","id"}`, signed by the Provider's key. */
export function quoteV2Fee(provider: Signer & { address: string }, request: V2FeeRequest, now = nowSeconds()): Promise<ProviderFee> {
  return signProviderFee(provider, {
    providerData: encodeProviderData({ environment: request.environment, timestamp: now, dt: request.datatoken, id: request.serviceId }),
    providerFeeAddress: provider.address,
    providerFeeToken: request.spec.feeToken,
    providerFeeAmount: request.zero ? 0n : v2FeeAmount(request.spec, request.validUntil, now),
    validUntil: BigInt(request.validUntil),
  });
}
