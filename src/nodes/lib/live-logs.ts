import type { NodeMessage } from 'node-red';
import type { ComputeJob, OceanClient } from '../../ocean';
import type { LogLine } from '../../ocean/live-log';
import type { FollowedJob } from '../../tracker';
import type { Scheduler } from '../../tracker/scheduler';
import { LineBudget } from './line-budget';
import { LiveLogWatch } from './live-log-watch';

/** What a follow asked for its live log; saved with the followed job, so it holds after a restart. */
export interface LiveLogSettings {
  /** Lines per second of this job that reach the flow. */
  rate: number;
}

export const DEFAULT_LINES_PER_SECOND = 20;
/** Most of a finished job's algorithm log read to give the lines the live connections missed. */
const CATCH_UP_MAX_BYTES = 16 * 1024 * 1024;
/** Ocean Node's "Running algorithm": the only status in which its container's log can be followed. */
const RUNNING_ALGORITHM = 40;

export function liveLogSettings(followed: FollowedJob | undefined): LiveLogSettings | undefined {
  const logs = followed?.context?.logs as { rate?: unknown } | undefined;
  return logs && typeof logs.rate === 'number' && logs.rate > 0 ? { rate: logs.rate } : undefined;
}

function runsAlgorithm(job: ComputeJob): boolean {
  return job.backend === 'ocean-node' && job.status === RUNNING_ALGORITHM && !job.done;
}

interface Watched {
  watch: LiveLogWatch;
  budget: LineBudget;
  running: boolean;
}

/**
 * The live logs of one node's followed jobs: a job's log is opened when the tracker sees it run
 * its algorithm, and closed when it ends. Each line leaves as a message built on the one that
 * started the follow; at most the set number per second per job, the rest counted.
 */
export class LiveLogs {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(
    private readonly client: () => OceanClient,
    private readonly deliver: (messages: NodeMessage[]) => void,
    private readonly warn: (error: unknown, jobId: string) => void,
    private readonly scheduler?: Scheduler,
  ) {}

  /** A status the tracker saw for a followed job. */
  seen(job: ComputeJob, followed: FollowedJob, message: () => NodeMessage): void {
    const existing = this.watched.get(job.jobId);
    if (existing) {
      existing.running = runsAlgorithm(job);
      return;
    }
    if (!runsAlgorithm(job)) return;
    this.watch(job.jobId, followed, message)?.watch.start();
  }

  /**
   * The job has ended: the lines its live connections missed (all of them when it ran too briefly
   * to be seen running, or when a connection was cut near its end) are read from its algorithm log,
   * then the partial last line; only after that does its final status go out.
   */
  async finish(job: ComputeJob, followed: FollowedJob, message: () => NodeMessage): Promise<void> {
    const entry = this.watched.get(job.jobId) ?? this.watch(job.jobId, followed, message);
    if (!entry) return;
    this.watched.delete(job.jobId);
    entry.watch.stop(false);
    const file = job.results.find((result) => result.kind === 'algorithmLog');
    if (!entry.watch.complete && file) {
      try {
        const { stream } = await this.client().openResult(job.jobId, file.index, { file });
        await entry.watch.catchUp(stream, CATCH_UP_MAX_BYTES);
      } catch (error) {
        this.warn(error, job.jobId);
      }
    }
    entry.watch.stop(true);
    entry.budget.close();
  }

  /** A watch for the job's log, when its follow asked for one (not started). */
  private watch(jobId: string, followed: FollowedJob, message: () => NodeMessage): Watched | undefined {
    const settings = liveLogSettings(followed);
    if (!settings) return undefined;
    const base = message();
    const entry: Watched = {
      running: true,
      budget: new LineBudget(
        settings.rate,
        (count) => !this.closed && this.deliver([{ ...base, topic: 'log', jobId, skipped: count, payload: `${count} line${count === 1 ? '' : 's'} not sent: more than ${settings.rate} a second` } as NodeMessage]),
        this.scheduler,
      ),
      watch: new LiveLogWatch({
        open: (signal) => this.client().openLiveLog(jobId, { signal }),
        lines: (lines) => this.send(entry, base, jobId, lines),
        running: () => entry.running,
        failed: (error) => this.warn(error, jobId),
        scheduler: this.scheduler,
      }),
    };
    this.watched.set(jobId, entry);
    return entry;
  }

  /** The job has ended (or is no longer followed): what is left of its log goes out, then nothing more. */
  end(jobId: string): void {
    const entry = this.watched.get(jobId);
    if (!entry) return;
    this.watched.delete(jobId);
    entry.watch.stop(true);
    entry.budget.close();
  }

  /** The node closes: every log stops, and nothing more is sent. */
  close(): void {
    this.closed = true;
    for (const entry of this.watched.values()) {
      entry.watch.stop(false);
      entry.budget.discard();
    }
    this.watched.clear();
  }

  get size(): number {
    return this.watched.size;
  }

  private send(entry: Watched, base: NodeMessage, jobId: string, lines: LogLine[]): void {
    if (this.closed) return;
    const out: NodeMessage[] = [];
    for (const { stream, line } of lines) {
      if (entry.budget.take()) out.push({ ...base, topic: 'log', jobId, stream, payload: line } as NodeMessage);
    }
    if (out.length) this.deliver(out);
  }
}
