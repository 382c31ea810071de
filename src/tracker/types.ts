import type { ComputeJob } from '../ocean/jobs';
import type { Scheduler } from './scheduler';

/** What the tracker needs from a client; `OceanClient` satisfies it. */
export interface TrackerClient {
  /** Every job of the wallet, in one request. */
  listJobs(options?: { signal?: AbortSignal }): Promise<ComputeJob[]>;
  /** One job; rejects with an error whose `code` is 'NOT_FOUND' when the backend does not know it. */
  getJob(jobId: string, options?: { signal?: AbortSignal; did?: string }): Promise<ComputeJob>;
}

/** A job the tracker follows. Everything in it is JSON-safe so that it can be persisted. */
export interface FollowedJob {
  jobId: string;
  /** The dataset DID; Provider v2 wants it to look a job up. */
  did?: string;
  /** When the job was started, in the tracker's clock (ms since the epoch by default). */
  startedAt: number;
  /** Overall timeout in ms, counted from `startedAt`: jobs can get stuck. None when left out. */
  timeoutMs?: number;
  /** JSON-safe data the caller needs to resume after a restart (which node, which message fields). */
  context?: Record<string, unknown>;
}

/**
 * Where followed jobs survive a restart, one job at a time: a follow writes one job and an end
 * removes one, whatever the number followed. The tracker never has two writes of the same job in
 * flight, so a store may write jobs independently (one key or one line per job).
 */
export interface TrackerStore {
  /** The saved jobs; [] when nothing was saved yet. May reject with a TrackerStoreError carrying what it could recover. */
  load(): Promise<FollowedJob[]>;
  /** Saves one job, replacing what was saved under its id. */
  put(job: FollowedJob): Promise<void>;
  /** Forgets one job; a job that was not saved is no error. */
  remove(jobId: string): Promise<void>;
}

export interface JobTrackerOptions {
  client: TrackerClient;
  /** Time between two status requests in ms (default 5000: 12 requests a minute, well under Ocean Node's 30). */
  intervalMs?: number;
  /** Persists the followed jobs on every follow / unfollow; `resume()` reads it back. */
  store?: TrackerStore;
  /** The clock of `startedAt` and `timeoutMs` (default `Date.now`). */
  clock?: () => number;
  /** Poll timing: a monotonic clock and a timer (default: real time). */
  scheduler?: Scheduler;
  /** Longest wait between two requests after failures in a row (default 30 000 ms); a rate limit's own wait may be longer. */
  maxBackoffMs?: number;
  /** Consecutive polls a job may be missing from the list before it is looked up on its own (default 3). */
  missingPollsBeforeLookup?: number;
  /**
   * While at most this many jobs are followed, each poll asks for each of them by id instead of
   * listing every job of the wallet, so its cost does not grow with the wallet's history (default
   * 1: one request per poll either way; 0 always lists). Each job by id is one request.
   */
  pollByIdUpTo?: number;
  /** Puts each job in a group (e.g. the node that follows it) so that `countIn(group)` answers at once. */
  groupOf?: (job: FollowedJob) => string | undefined;
  /**
   * Awaited at the start of each poll, before any status request. A store shared by several
   * instances renews its leases here and unfollows the jobs another instance took over, so a job
   * this instance no longer owns is not reported by it. A rejection is reported; the poll goes on.
   */
  beforePoll?: () => Promise<void>;
}

/** The tracker's events and their arguments. */
export interface JobTrackerEvents {
  /** The status number, status text or done flag differs from the last one seen (the first sighting counts). */
  change: [job: ComputeJob, followed: FollowedJob];
  /** The job ended; it is no longer followed when this is emitted. Emitted once, after its 'change'. */
  done: [job: ComputeJob, followed: FollowedJob];
  /** `timeoutMs` passed without the job ending; it is no longer followed. */
  timeout: [followed: FollowedJob, lastJob: ComputeJob | undefined];
  /** A failed poll, lookup, load or save; `followed` is set when the error concerns one job. The tracker keeps going. */
  error: [error: Error, followed: FollowedJob | undefined];
  /** No job is followed any more; no requests are made until the next `follow`. */
  idle: [];
}
