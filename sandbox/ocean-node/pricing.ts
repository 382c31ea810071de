import { parseUnits } from 'ethers';
import type { EnvironmentSpec } from '../options';

/** What Ocean Node adds to a lock's lifetime so it can still claim after the job (the recording: 60 s -> 3660). */
export const CLAIM_TIMEOUT_SECONDS = 3600;

export interface ResourceAmount {
  id: string;
  amount: number;
}

/** Price of one unit for one minute; the sandbox's environments price CPU only. */
function pricePerMinute(spec: EnvironmentSpec, resource: string): number {
  return resource === 'cpu' ? spec.cpuPricePerMinute : 0;
}

/** Token units as base units (18 decimals), from the number Ocean Node computes with. */
function toBaseUnits(tokens: number): bigint {
  const text = String(tokens);
  return parseUnits(/e/i.test(text) ? tokens.toFixed(18) : text, 18);
}

export interface JobCost {
  /** In token units, as the job's `payment.cost` shows it. */
  tokens: number;
  wei: bigint;
}

/** Σ price × amount × started minutes, the duration raised to the environment's minimum. */
export function jobCost(spec: EnvironmentSpec, resources: ResourceAmount[], seconds: number): JobCost {
  const minutes = Math.ceil(Math.max(seconds, spec.minJobDuration) / 60);
  const tokens = resources.reduce((sum, r) => sum + pricePerMinute(spec, r.id) * r.amount * minutes, 0);
  return { tokens, wei: toBaseUnits(tokens) };
}

export function minLockSeconds(maxJobDuration: number, queueMaxWaitTime: number): number {
  return maxJobDuration + queueMaxWaitTime + CLAIM_TIMEOUT_SECONDS;
}
