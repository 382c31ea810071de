import type { ComputeJob, OceanClient } from '../../ocean';
import type { JobTracker } from '../../tracker';

interface Connection {
  client: OceanClient;
  tracker: JobTracker;
  /** Settles once the tracker has read its store. */
  resumed: Promise<unknown>;
  /** Jobs a shared store holds for other instances (Redis): theirs are not lost either. */
  storedJobIds?: () => Promise<Set<string>>;
}

/** Every connection of this Node-RED: a job any of them follows or started is not lost. */
const connections = new Set<Connection>();

/** A connection is up; the returned function says it has gone. */
export function registerConnection(connection: Connection): () => void {
  connections.add(connection);
  return () => connections.delete(connection);
}

/**
 * The wallet's unfinished jobs that no connection here follows, with one list request: after the
 * user directory was wiped (a container re-created), the jobs its flows were following. Jobs a
 * connection started since it came up are left out, also those started while the list was asked.
 */
export async function findLostJobs(client: OceanClient): Promise<ComputeJob[]> {
  const listed = await client.listJobs();
  const all = [...connections];
  await Promise.allSettled([...all.map((c) => c.resumed), ...all.map((c) => c.client.startsSettled())]);
  const stored = await Promise.all(all.map((c) => c.storedJobIds?.() ?? new Set<string>()));
  const known = (jobId: string): boolean => all.some((c) => c.tracker.has(jobId) || c.client.startedHere(jobId)) || stored.some((ids) => ids.has(jobId));
  return listed.filter((job) => !job.done && !known(job.jobId));
}
