import type { Node, NodeMessage } from 'node-red';
import type { ComputeJob } from '../../ocean';
import { OceanError } from '../../ocean/errors';
import type { FollowedJob, JobTracker } from '../../tracker';
import type { OceanConfigNode } from './config-node';
import { LiveLogs, liveLogSettings, type LiveLogSettings } from './live-logs';
import { followSnapshot } from './snapshot';

export interface FollowHandlers {
  change?(job: ComputeJob, msg: NodeMessage): void;
  /** Live log lines of followed jobs that asked for them (see `follow`'s `logs`). */
  log?(messages: NodeMessage[]): void;
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
  private readonly liveLogs: LiveLogs | undefined;

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
    const logs = handlers.log ? new LiveLogs(() => config.getClient(), handlers.log, (error, jobId) => node.warn(liveLogProblem(jobId, error))) : undefined;
    this.liveLogs = logs;
    this.on('change', (job: ComputeJob, followed: FollowedJob) => {
      if (!mine(followed)) return;
      handlers.change?.(job, restore(followed));
      logs?.seen(job, followed, () => restore(followed));
    });
    // A job's last log lines go out before its final status.
    this.on('done', (job: ComputeJob, followed: FollowedJob) => {
      if (!mine(followed)) return;
      if (!logs || !liveLogSettings(followed)) return handlers.done(job, restore(followed));
      logs
        .finish(job, followed, () => restore(followed))
        .then(() => handlers.done(job, restore(followed)))
        .catch((error: unknown) => node.error(error));
    });
    this.on('timeout', (followed: FollowedJob, last: ComputeJob | undefined) => {
      if (!mine(followed)) return;
      logs?.end(followed.jobId);
      handlers.timeout(followed, last, restore(followed));
    });
    this.on('error', (error: Error, followed: FollowedJob | undefined) => {
      if (!followed || !mine(followed) || tracker.has(followed.jobId)) return;
      logs?.end(followed.jobId);
      handlers.failed(error, restore(followed));
    });
  }

  /** Hands the job to the tracker; with `logs`, its live log is followed too while its algorithm runs. */
  follow(job: ComputeJob, msg: NodeMessage, options: { did?: string; timeoutMs?: number; logs?: LiveLogSettings }): void {
    this.tracker.follow({
      jobId: job.jobId,
      did: options.did,
      startedAt: Date.now(),
      timeoutMs: options.timeoutMs,
      context: { nodeId: this.node.id, msg: followSnapshot(msg, job.jobId), ...(options.logs && this.liveLogs ? { logs: options.logs } : {}) },
    });
  }

  /** Jobs of this node the tracker follows now (the connection's tracker counts them by node id). */
  count(): number {
    return this.tracker.countIn(this.node.id);
  }

  dispose(): void {
    this.liveLogs?.close();
    for (const [event, listener] of this.listeners) this.tracker.removeListener(event as 'idle', listener as () => void);
    this.listeners.length = 0;
    this.unregister();
  }

  private on(event: string, listener: (...args: never[]) => void): void {
    this.tracker.on(event as 'idle', listener as () => void);
    this.listeners.push([event, listener]);
  }
}

function liveLogProblem(jobId: string, error: unknown): string {
  return `The live log of job ${jobId} cannot be read: ${error instanceof Error ? error.message : String(error)}; its final status still follows`;
}

/** The error of a followed job that did not end in time; the job itself keeps running. */
export function followTimeout(followed: FollowedJob, last: ComputeJob | undefined): OceanError {
  const seen = last ? `${last.status} ${last.statusText.trim()}` : 'never seen';
  return new OceanError('TIMEOUT', `Job ${followed.jobId} did not end within ${Math.round((followed.timeoutMs ?? 0) / 1000)} s (last status: ${seen}); it was not stopped`, {
    jobId: followed.jobId,
  });
}
