import { OceanError } from '../errors';
import { lenientNumber, type ComputeEnvironment, type ResourceLimits } from '../environments';
import { isRecord } from '../server-message';

/**
 * Provider v2 answers `{ "<chainId>": [env, ...] }` (older Providers: a bare array). Numeric fields
 * may be strings when the operator set them from environment variables.
 */
export function parseProviderV2Environments(body: unknown, chainId: number): ComputeEnvironment[] {
  let list: unknown;
  if (Array.isArray(body)) list = body;
  else if (isRecord(body)) list = body[String(chainId)] ?? [];
  else throw new OceanError('BAD_RESPONSE', 'The Provider listed compute environments in an unexpected shape');
  if (!Array.isArray(list)) {
    throw new OceanError('BAD_RESPONSE', `The Provider listed compute environments for chain ${chainId} in an unexpected shape`);
  }
  return list.filter(isRecord).map((raw) => toEnvironment(raw, chainId));
}

function toEnvironment(raw: Record<string, unknown>, chainId: number): ComputeEnvironment {
  if (typeof raw.id !== 'string') {
    throw new OceanError('BAD_RESPONSE', 'The Provider listed a compute environment without an id');
  }
  const priceMin = lenientNumber(raw.priceMin);
  const feeToken = typeof raw.feeToken === 'string' ? raw.feeToken : undefined;
  const resources: ResourceLimits[] = [];
  const addResource = (id: string, kind: ResourceLimits['kind'], value: unknown): void => {
    const amount = lenientNumber(value);
    if (amount !== undefined) resources.push({ id, kind, total: amount, max: amount });
  };
  addResource('cpu', 'cpu', raw.cpuNumber);
  addResource('ram', 'ram', raw.ramGB);
  addResource('disk', 'disk', raw.diskGB);
  addResource('gpu', 'gpu', raw.gpuNumber);
  const isFree = priceMin === 0;
  const maxJobs = lenientNumber(raw.maxJobs);
  const runningJobs = lenientNumber(raw.currentJobs);
  const maxJobDuration = lenientNumber(raw.maxJobDuration);
  return {
    id: raw.id,
    backend: 'provider-v2',
    chainId,
    consumerAddress: typeof raw.consumerAddress === 'string' ? raw.consumerAddress : '',
    description: typeof raw.desc === 'string' ? raw.desc : '',
    isFree,
    feeTokens: feeToken ? [feeToken] : [],
    pricePerMinute: feeToken && priceMin !== undefined ? { [feeToken]: priceMin } : {},
    resources,
    maxJobDuration,
    maxJobs,
    runningJobs,
    free: isFree ? { maxJobs, runningJobs, maxJobDuration, resources } : undefined,
    raw,
  };
}
