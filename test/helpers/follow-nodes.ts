/**
 * The two ways into following a job, as flow nodes: a compute-start that starts a job on the free
 * environment and follows it, and a compute-status that follows the job id in `msg.jobId`. Tests
 * and benches with held jobs (the sandbox's HeldJobs) build their flows from these.
 */
type Fields = { id: string; server: string; wires: string[][] } & Record<string, unknown>;
type Node = { id: string; type: string } & Record<string, unknown>;

export function followingStart(fields: Fields & { followTimeout?: string }): Node {
  return {
    type: 'compute-start',
    z: 'f1',
    environment: 'free',
    environmentType: 'envpick',
    algorithmCode: 'console.log("held")',
    container: 'node',
    tier: 'free',
    tierType: 'tier',
    follow: true,
    followTimeout: '600',
    followTimeoutType: 'num',
    ...fields,
  };
}

export function followingStatus(fields: Fields & { timeout?: string }): Node {
  return { type: 'compute-status', z: 'f1', jobId: 'jobId', jobIdType: 'msg', mode: 'follow', modeType: 'mode', timeout: '600', timeoutType: 'num', ...fields };
}
