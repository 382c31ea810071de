import { DEFAULT_ENVIRONMENTS, HeldJobs, startSandbox, type Sandbox } from '../../sandbox';

/**
 * An Ocean Node sandbox whose jobs run nothing and stay running until the test ends them
 * (HeldJobs), with no rate limit and room for `room` jobs at once on its free environment.
 */
export async function startHeldSandbox(room: number): Promise<{ sandbox: Sandbox; held: HeldJobs }> {
  const held = new HeldJobs();
  const base = DEFAULT_ENVIRONMENTS[0]!;
  const environment = { ...base, cpu: room, ram: room, disk: room, free: { ...base.free!, maxJobs: room } };
  const sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, runner: held.runner, environments: [environment] });
  return { sandbox, held };
}
