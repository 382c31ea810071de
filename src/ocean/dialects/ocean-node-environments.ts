import { OceanError } from '../errors';
import {
  lenientNumber,
  type ComputeEnvironment,
  type FreeTier,
  type ResourceKind,
  type ResourceLimits,
} from '../environments';
import { isRecord } from '../server-message';

/** Ocean Node answers an array of environments with `fees`, `resources` and an optional `free` block. */
export function parseOceanNodeEnvironments(body: unknown, chainId: number): ComputeEnvironment[] {
  if (!Array.isArray(body)) {
    throw new OceanError('BAD_RESPONSE', 'Ocean Node listed compute environments in an unexpected shape (not an array)');
  }
  return body.filter(isRecord).map((raw) => toEnvironment(raw, chainId));
}

function toEnvironment(raw: Record<string, unknown>, chainId: number): ComputeEnvironment {
  if (typeof raw.id !== 'string') {
    throw new OceanError('BAD_RESPONSE', 'Ocean Node listed a compute environment without an id');
  }
  const resources = Array.isArray(raw.resources) ? raw.resources.filter(isRecord).map(toResource) : [];
  const fees = feesForChain(raw.fees, chainId);
  const pricePerMinute: Record<string, number> = {};
  const resourcePrices: Record<string, Array<{ id: string; price: number }>> = {};
  for (const fee of fees) {
    pricePerMinute[fee.feeToken] = smallestJobPrice(fee.prices, resources);
    resourcePrices[fee.feeToken] = fee.prices;
  }
  return {
    id: raw.id,
    backend: 'ocean-node',
    chainId,
    consumerAddress: typeof raw.consumerAddress === 'string' ? raw.consumerAddress : '',
    description: typeof raw.description === 'string' ? raw.description : '',
    isFree: isRecord(raw.free),
    feeTokens: fees.map((fee) => fee.feeToken),
    pricePerMinute,
    resourcePrices,
    resources,
    maxJobDuration: lenientNumber(raw.maxJobDuration),
    minJobDuration: lenientNumber(raw.minJobDuration),
    maxJobs: lenientNumber(raw.maxJobs),
    runningJobs: lenientNumber(raw.runningJobs),
    free: isRecord(raw.free) ? toFreeTier(raw.free, raw, resources) : undefined,
    raw,
  };
}

function resourceKind(id: string, type: unknown): ResourceKind {
  const name = (typeof type === 'string' ? type : id).toLowerCase();
  if (name === 'cpu' || name === 'ram' || name === 'disk') return name;
  if (name.includes('gpu')) return 'gpu';
  return 'other';
}

function toResource(raw: Record<string, unknown>): ResourceLimits {
  const id = String(raw.id ?? '');
  return {
    id,
    kind: resourceKind(id, raw.type),
    total: lenientNumber(raw.total),
    min: lenientNumber(raw.min),
    max: lenientNumber(raw.max),
    inUse: lenientNumber(raw.inUse),
  };
}

function toFreeTier(free: Record<string, unknown>, env: Record<string, unknown>, resources: ResourceLimits[]): FreeTier {
  const freeResources = Array.isArray(free.resources)
    ? free.resources.filter(isRecord).map((entry) => {
        const limits = toResource(entry);
        const known = resources.find((r) => r.id === limits.id);
        return known ? { ...limits, kind: known.kind } : limits;
      })
    : [];
  return {
    maxJobs: lenientNumber(free.maxJobs),
    runningJobs: lenientNumber(env.runningfreeJobs),
    maxJobDuration: lenientNumber(free.maxJobDuration),
    minJobDuration: lenientNumber(free.minJobDuration),
    resources: freeResources,
  };
}

interface ChainFee {
  feeToken: string;
  prices: Array<{ id: string; price: number }>;
}

function feesForChain(fees: unknown, chainId: number): ChainFee[] {
  if (!isRecord(fees)) return [];
  const entries = fees[String(chainId)];
  if (!Array.isArray(entries)) return [];
  return entries.filter(isRecord).flatMap((entry) => {
    if (typeof entry.feeToken !== 'string') return [];
    const prices = Array.isArray(entry.prices)
      ? entry.prices.filter(isRecord).map((p) => ({ id: String(p.id ?? ''), price: lenientNumber(p.price) ?? 0 }))
      : [];
    return [{ feeToken: entry.feeToken, prices }];
  });
}

/** Price per minute of a job that asks each resource's minimum. */
function smallestJobPrice(prices: ChainFee['prices'], resources: ResourceLimits[]): number {
  return prices.reduce((sum, { id, price }) => {
    const amount = Math.max(resources.find((r) => r.id === id)?.min ?? 1, 1);
    return sum + price * amount;
  }, 0);
}
