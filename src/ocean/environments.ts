import type { BackendKind } from './backend';
import { OceanError, invalidInput } from './errors';

export type ResourceKind = 'cpu' | 'ram' | 'disk' | 'gpu' | 'other';

/** What one job may use of a resource, and what is left on the environment. */
export interface ResourceLimits {
  id: string;
  kind: ResourceKind;
  total?: number;
  min?: number;
  /** Most a single job may ask for. */
  max?: number;
  inUse?: number;
}

export interface FreeTier {
  maxJobs?: number;
  runningJobs?: number;
  maxJobDuration?: number;
  minJobDuration?: number;
  resources: ResourceLimits[];
}

/**
 * One compute environment, the same shape for both backends. `raw` keeps the server's object
 * untouched (Provider v2: `priceMin`, `feeToken`, `cpuNumber`...; Ocean Node: `fees`, `resources`, `free`...).
 */
export interface ComputeEnvironment {
  id: string;
  backend: BackendKind;
  chainId: number;
  consumerAddress: string;
  description: string;
  /** Jobs can run without payment: Provider v2 `priceMin == 0` (as ocean.py), Ocean Node a `free` block. */
  isFree: boolean;
  /** Fee tokens accepted on `chainId`. */
  feeTokens: string[];
  /** Per fee token, the price per minute of the smallest job the environment accepts. */
  pricePerMinute: Record<string, number>;
  /** Ocean Node: per fee token, the price of one unit of each resource for one minute. */
  resourcePrices?: Record<string, Array<{ id: string; price: number }>>;
  resources: ResourceLimits[];
  maxJobDuration?: number;
  minJobDuration?: number;
  maxJobs?: number;
  runningJobs?: number;
  /** Ocean Node's free tier limits; for Provider v2 free environments, the same limits as paid. */
  free?: FreeTier;
  raw: Record<string, unknown>;
}

export interface EnvironmentConstraints {
  /** true: free environments only; false: paid only; undefined: either. */
  free?: boolean;
  minCpu?: number;
  minRam?: number;
  minDisk?: number;
  minGpu?: number;
  /** Only environments that accept this fee token (paid jobs). */
  feeToken?: string;
  /** Highest acceptable price per minute, in fee-token units. */
  maxPricePerMinute?: number;
  /** Skip environments with no room for one more job right now. */
  needCapacity?: boolean;
}

/** Reads a number that servers send as a number or a numeric string ("64", "60", "0.5"). */
export function lenientNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

const MINIMUM_KEYS = { cpu: 'minCpu', ram: 'minRam', disk: 'minDisk', gpu: 'minGpu' } as const;

/**
 * Why `env` does not satisfy `constraints`, or null when it does. Free and paid use different
 * limits on Ocean Node, so with `free` left open the environment matches if either tier does.
 */
export function mismatchReason(env: ComputeEnvironment, constraints: EnvironmentConstraints): string | null {
  if (constraints.free === true) return tierMismatch(env, constraints, 'free');
  if (constraints.free === false) return tierMismatch(env, constraints, 'paid');
  const paid = tierMismatch(env, constraints, 'paid');
  if (paid === null || !env.isFree) return paid;
  return tierMismatch(env, constraints, 'free') === null ? null : paid;
}

function tierMismatch(env: ComputeEnvironment, c: EnvironmentConstraints, tier: 'free' | 'paid'): string | null {
  if (tier === 'free' && !env.isFree) return 'not free';
  if (tier === 'paid' && env.backend === 'ocean-node' && env.feeTokens.length === 0) {
    return `takes no payment on chain ${env.chainId}`;
  }
  const freeTier = tier === 'free' ? env.free : undefined;
  for (const kind of ['cpu', 'ram', 'disk', 'gpu'] as const) {
    const wanted = c[MINIMUM_KEYS[kind]];
    if (wanted === undefined || wanted <= 0) continue;
    const offered = perJobMaximum(env, freeTier, kind);
    if (offered < wanted) return `offers ${offered} ${kind} per job, ${wanted} wanted`;
  }
  if (tier === 'paid') {
    if (c.feeToken && !env.feeTokens.some((token) => sameAddress(token, c.feeToken ?? ''))) {
      return `does not accept fee token ${c.feeToken}`;
    }
    if (c.maxPricePerMinute !== undefined) {
      const tokens = c.feeToken ? env.feeTokens.filter((t) => sameAddress(t, c.feeToken ?? '')) : env.feeTokens;
      const prices = tokens.map((t) => env.pricePerMinute[t]).filter((p): p is number => p !== undefined);
      const cheapest = prices.length > 0 ? Math.min(...prices) : undefined;
      if (cheapest === undefined) return 'has no price for the fee token';
      if (cheapest > c.maxPricePerMinute) return `costs ${cheapest} per minute, at most ${c.maxPricePerMinute} wanted`;
    }
  }
  if (c.needCapacity) return capacityMismatch(env, freeTier, c);
  return null;
}

function perJobMaximum(env: ComputeEnvironment, freeTier: FreeTier | undefined, kind: ResourceKind): number {
  const limits = (freeTier?.resources.length ? freeTier.resources : env.resources).filter((r) => r.kind === kind);
  return limits.reduce((sum, r) => sum + (r.max ?? r.total ?? 0), 0);
}

function capacityMismatch(env: ComputeEnvironment, freeTier: FreeTier | undefined, c: EnvironmentConstraints): string | null {
  const jobs = freeTier ?? env;
  if (jobs.maxJobs !== undefined && (jobs.runningJobs ?? 0) >= jobs.maxJobs) {
    return `is full (${jobs.runningJobs ?? 0} of ${jobs.maxJobs} jobs running)`;
  }
  for (const resource of env.resources) {
    if (resource.total === undefined || resource.inUse === undefined) continue;
    const wanted = Math.max(resource.min ?? 0, resource.kind === 'other' ? 0 : (c[MINIMUM_KEYS[resource.kind]] ?? 0));
    const left = resource.total - resource.inUse;
    if (wanted > 0 && left < wanted) return `has ${left} ${resource.id} left, ${wanted} needed`;
  }
  return null;
}

/** The first environment that satisfies the constraints, like ocean.py's `get_free_c2d_environment`. */
export function pickEnvironment(environments: ComputeEnvironment[], constraints: EnvironmentConstraints): ComputeEnvironment {
  const reasons: string[] = [];
  for (const env of environments) {
    const reason = mismatchReason(env, constraints);
    if (reason === null) return env;
    reasons.push(`${shortId(env.id)} ${reason}`);
  }
  const why = environments.length === 0 ? 'the server lists no compute environment for this chain' : reasons.join('; ');
  throw new OceanError('NO_MATCHING_ENVIRONMENT', `No compute environment matches ${describeConstraints(constraints)}: ${why}`, {
    details: { constraints: { ...constraints }, environments: environments.length },
  });
}

export function describeConstraints(c: EnvironmentConstraints): string {
  const parts: string[] = [];
  if (c.free === true) parts.push('free');
  if (c.free === false) parts.push('paid');
  for (const kind of ['cpu', 'ram', 'disk', 'gpu'] as const) {
    const wanted = c[MINIMUM_KEYS[kind]];
    if (wanted) parts.push(`${kind} >= ${wanted}`);
  }
  if (c.feeToken) parts.push(`fee token ${c.feeToken}`);
  if (c.maxPricePerMinute !== undefined) parts.push(`price <= ${c.maxPricePerMinute}/min`);
  if (c.needCapacity) parts.push('room for a job now');
  return parts.length > 0 ? `(${parts.join(', ')})` : '(no constraints)';
}

/** Checks constraint values that came from a flow; names the field on error. */
export function validateConstraints(c: EnvironmentConstraints): EnvironmentConstraints {
  for (const key of ['minCpu', 'minRam', 'minDisk', 'minGpu', 'maxPricePerMinute'] as const) {
    const value = c[key];
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw invalidInput(key, 'a number of 0 or more', value);
    }
  }
  if (c.feeToken !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(c.feeToken)) {
    throw invalidInput('feeToken', 'a 0x-prefixed 20-byte token address', c.feeToken);
  }
  return c;
}

function shortId(id: string): string {
  return id.length > 24 ? `${id.slice(0, 10)}…${id.slice(-8)}` : id;
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
