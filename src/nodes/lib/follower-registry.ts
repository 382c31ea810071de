import type { FollowedJob } from '../../tracker';

/** Which node followed a job: saved with it, so that the node gets the job back after a restart. */
export function followerOf(followed: FollowedJob | undefined): string | undefined {
  const nodeId = followed?.context?.nodeId;
  return typeof nodeId === 'string' ? nodeId : undefined;
}

/**
 * The nodes of one connection that are there to receive the jobs they followed. A job whose node
 * was removed (deleted, replaced by a new one, a subflow edited) is an orphan: the connection keeps
 * following it and says so, but no other node adopts it: its message was made for that place in
 * the flow, and the nodes after another one could act on it in ways nobody meant.
 */
export class FollowerRegistry {
  private readonly live = new Map<string, number>();
  private readonly warned = new Set<string>();

  /** A node that follows jobs is here; the returned function says it has gone. */
  add(nodeId: string): () => void {
    this.live.set(nodeId, (this.live.get(nodeId) ?? 0) + 1);
    let gone = false;
    return () => {
      if (gone) return;
      gone = true;
      const left = (this.live.get(nodeId) ?? 1) - 1;
      if (left > 0) this.live.set(nodeId, left);
      else this.live.delete(nodeId);
    };
  }

  isOrphan(followed: FollowedJob | undefined): boolean {
    const nodeId = followerOf(followed);
    return nodeId === undefined || !this.live.has(nodeId);
  }

  /** Orphans not reported before (each is reported once). */
  newOrphans(jobs: FollowedJob[]): FollowedJob[] {
    const found = jobs.filter((job) => this.isOrphan(job) && !this.warned.has(job.jobId));
    for (const job of found) this.warned.add(job.jobId);
    return found;
  }
}
