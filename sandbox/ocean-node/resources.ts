import type { SandboxContext } from '../context';
import type { EnvironmentSpec } from '../options';
import type { ResourceAmount } from './pricing';

/** A resource request the environment cannot serve; start answers 400, initialize 500. */
export class ResourceError extends Error {}

/**
 * The resources a job gets: the asked amounts, missing ones at the environment's minimum, each
 * within the paid or free maximum; `inUse` also checks what running jobs leave free.
 */
export function resourcesFor(ctx: SandboxContext, spec: EnvironmentSpec, environmentId: string, requested: unknown, paid: boolean, inUse: boolean): ResourceAmount[] {
  const limits: Record<string, { min: number; max: number; total: number }> = {
    cpu: { min: 1, max: paid ? spec.cpu : (spec.free?.cpu ?? 0), total: spec.cpu },
    ram: { min: 1, max: paid ? spec.ram : (spec.free?.ram ?? 0), total: spec.ram },
    disk: { min: 0, max: paid ? spec.disk : (spec.free?.disk ?? 0), total: spec.disk },
  };
  const asked = new Map<string, number>();
  if (Array.isArray(requested)) {
    for (const entry of requested as Array<Record<string, unknown> | null>) {
      if (typeof entry?.id === 'string' && entry.id in limits) asked.set(entry.id, Number(entry.amount));
    }
  }
  const running = inUse ? ctx.jobs.running().filter((job) => job.environmentId === environmentId) : [];
  return Object.entries(limits).map(([id, limit]) => {
    const amount = asked.get(id) ?? limit.min;
    if (amount > limit.max) throw new ResourceError(`Error: Not enough ${id} resources. Requested ${amount}, but max is ${limit.max}`);
    const used = running.reduce((sum, job) => sum + (job.resources.find((r) => r.id === id)?.amount ?? 0), 0);
    if (inUse && amount > 0 && used + amount > limit.total) throw new ResourceError(`Not enough available ${id}`);
    return { id, amount };
  });
}
