import type { Node, NodeMessage } from 'node-red';
import type { ComputeJob } from '../../ocean';
import { OceanError } from '../../ocean/errors';
import type { FollowedJob, JobTracker } from '../../tracker';
import type { OceanConfigNode } from './config-node';
import { followSnapshot } from './snapshot';

export interface FollowHandlers {
  change?(job: ComputeJob, msg: NodeMessage): void;
  done(job: ComputeJob, msg: NodeMessage): void;
  timeout(followed: FollowedJob, last: ComputeJob | undefined, msg: NodeMessage): void;
  failed(error: Error, msg: NodeMessage): void;
}

/**
 * One node's view of the connection's job tracker: the jobs this node asked to follow (also
 * those resumed after a restart, recognised by the node id saved with them), delivered back
 * with the message that started the follow.
 */
export class Follower {
  private readonly listeners: Array<[string, (...args: never[]) => void]> = [];
  private readonly tracker: JobTracker;
  private readonly unregister: () => void;

  constructor(
    private readonly node: Node,
    config: OceanConfigNode,
    handlers: FollowHandlers,
  ) {
    const tracker = config.getTracker();
    this.tracker = tracker;
    // The connection tells apart jobs whose node is gone (orphans) by this.
    this.unregister = config.registerFollower(node.id);
    const mine = (followed: FollowedJob | undefined): boolean => followed?.context?.nodeId === node.id;
    const restore = (followed: FollowedJob): NodeMessage => ({ ...(followed.context?.msg as NodeMessage | undefined) }) as NodeMessage;
    this.on('change', (job: ComputeJob, followed: FollowedJob) => mine(followed) && handlers.change?.(job, restore(followed)));
    this.on('done', (job: ComputeJob, followed: FollowedJob) => mine(followed) && handlers.done(job, restore(followed)));
    this.on('timeout', (followed: FollowedJob, last: ComputeJob | undefined) => mine(followed) && handlers.timeout(followed, last, restore(followed)));
    this.on('error', (error: Error, followed: FollowedJob | undefined) => {
      if (followed && mine(followed) && !tracker.has(followed.jobId)) handlers.failed(error, restore(followed));
    });
  }

  follow(job: ComputeJob, msg: NodeMessage, options: { did?: string; timeoutMs?: number }): void {
    this.tracker.follow({
      jobId: job.jobId,
      did: options.did,
      startedAt: Date.now(),
      timeoutMs: options.timeoutMs,
      context: { nodeId: this.node.id, msg: followSnapshot(msg, job.jobId) },
    });
  }

  /** Jobs of this node the tracker follows now (the connection's tracker counts them by node id). */
  count(): number {
    return this.tracker.countIn(this.node.id);
  }

  dispose(): void {
    for (const [event, listener] of this.listeners) this.tracker.removeListener(event as 'idle', listener as () => void);
    this.listeners.length = 0;
    this.unregister();
  }

  private on(event: string, listener: (...args: never[]) => void): void {
    this.tracker.on(event as 'idle', listener as () => void);
    this.listeners.push([event, listener]);
  }
}

/** The error of a followed job that did not end in time; the job itself keeps running. */
export function followTimeout(followed: FollowedJob, last: ComputeJob | undefined): OceanError {
  const seen = last ? `${last.status} ${last.statusText.trim()}` : 'never seen';
  return new OceanError('TIMEOUT', `Job ${followed.jobId} did not end within ${Math.round((followed.timeoutMs ?? 0) / 1000)} s (last status: ${seen}); it was not stopped`, {
    jobId: followed.jobId,
  });
}
