import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ComputeJob } from '../ocean/jobs';
import { Backoff } from './backoff';
import { DeadlineIndex } from './deadline-index';
import { asError, isNotFound } from './error-info';
import { copyFollowed, deadlineOf, toFollowedJob } from './followed-job';
import { MAX_TIMER_MS, trackerSettings, type TrackerSettings } from './options';
import { SaveQueue } from './save-queue';
import { statusChanged } from './status-change';
import { TrackerStoreError } from './store-error';
import type { FollowedJob, JobTrackerEvents, JobTrackerOptions, TrackerStore } from './types';

/** The longest a poll works on the main thread before it lets other work run. */
const SLICE_MS = 10;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Entry {
  followed: FollowedJob;
  deadline?: number;
  last?: ComputeJob;
  /** Polls in a row whose list did not hold the job. */
  misses: number;
}


/**
 * Follows every job in flight of one wallet with one status request per interval, whatever the
 * number of jobs: up to `pollByIdUpTo` jobs (default 1) each is asked for by id, beyond that one
 * `listJobs()` answers for all. The next poll is armed only once the previous one has ended, and
 * no timer runs while nothing is followed.
 *
 * A listener that throws does not stop the tracker: its error becomes an 'error' event. 'error' is
 * only emitted when someone listens, so an unobserved poll failure never throws.
 */
export class JobTracker extends EventEmitter<JobTrackerEvents> {
  private readonly settings: TrackerSettings;
  private readonly backoff: Backoff;
  private readonly saves?: SaveQueue;
  private readonly entries = new Map<string, Entry>();
  /** Followed jobs per group (`groupOf`), kept as jobs come and go so that counting costs nothing. */
  private readonly groups = new Map<string, number>();
  private readonly deadlines = new DeadlineIndex();
  private timer?: unknown;
  /** When the armed timer should poll (rather than only check deadlines). */
  private nextPollAt = 0;
  /** A poll never starts before this, even after going idle: it keeps a rate-limit wait. */
  private earliestPollAt = 0;
  private polling = false;
  private inFlight?: AbortController;
  /** Something was followed since the last 'idle'. */
  private active = false;
  private isClosed = false;
  /** Held: no poll, no deadline, no event until released (while Node-RED redeploys the nodes that listen). */
  private held = false;
  private closing?: Promise<void>;

  constructor(options: JobTrackerOptions) {
    super();
    // Every node that follows jobs on this connection listens (Follower): as many as the flow has,
    // each removed when its node closes, so more than Node's default 10 is no leak.
    this.setMaxListeners(0);
    this.settings = trackerSettings(options);
    this.backoff = new Backoff(this.settings.intervalMs, this.settings.maxBackoffMs);
    const { store } = this.settings;
    if (store) this.saves = new SaveQueue(store, (error) => this.report(error));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Where followed jobs are saved, if anywhere. */
  get store(): TrackerStore | undefined {
    return this.settings.store;
  }

  has(jobId: string): boolean {
    return this.entries.has(jobId);
  }

  /** Copies of the followed jobs, in the order they were first followed. */
  list(): FollowedJob[] {
    return [...this.entries.values()].map((entry) => copyFollowed(entry.followed));
  }

  /** How many followed jobs are in `group` (see the `groupOf` option). */
  countIn(group: string): number {
    return this.groups.get(group) ?? 0;
  }

  /** The last status seen for a followed job. */
  lastJob(jobId: string): ComputeJob | undefined {
    return this.entries.get(jobId)?.last;
  }

  /**
   * Starts following a job and persists the list. Following a job again replaces its data
   * (timeout, context) and keeps the status seen so far. The first poll comes one interval after
   * the first follow. Throws INVALID_INPUT for a malformed job, and once the tracker is closed.
   */
  follow(job: FollowedJob): void {
    if (this.isClosed) throw new Error(`Cannot follow job ${String(job?.jobId)}: the job tracker is closed`);
    const followed = toFollowedJob(job);
    this.add(followed);
    this.saves?.put(followed);
    this.schedule();
  }

  /** Stops following a job (it keeps running on the network) and persists the list; false when it was not followed. */
  unfollow(jobId: string): boolean {
    const entry = this.entries.get(jobId);
    if (this.isClosed || !entry) return false;
    this.remove(entry);
    this.settleOrStopPoll();
    return true;
  }

  /**
   * Reads the store and follows its jobs again, after a restart; answers the jobs added. A missing
   * store gives none; an unreadable or corrupt one is reported as an 'error' and whatever could be
   * read from it is followed.
   */
  async resume(): Promise<FollowedJob[]> {
    const { store } = this.settings;
    if (!store || this.isClosed) return [];
    const loading = this.load(store);
    this.saves?.holdUntil(loading);
    const loaded = await loading;
    if (this.isClosed) return [];
    const added: FollowedJob[] = [];
    loaded.jobs.forEach((value, index) => {
      try {
        const job = toFollowedJob(value, `stored jobs[${index}]`);
        if (this.entries.has(job.jobId)) return;
        this.add(job);
        // What could be read from a damaged store is written again.
        if (loaded.damaged) this.saves?.put(job);
        added.push(copyFollowed(job));
      } catch (error) {
        this.report(error);
      }
    });
    this.schedule();
    return added;
  }

  /**
   * Stops the timer and aborts the request in flight at once; no events follow. Followed jobs stay
   * in the store (they are not stopped on the network). Resolves when pending saves are written.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.isClosed = true;
      this.settings.scheduler.clearTimer(this.timer);
      this.timer = undefined;
      this.inFlight?.abort();
      this.closing = this.saves?.settled() ?? Promise.resolve();
    }
    return this.closing;
  }

  /** Poll times are in the scheduler's monotonic time; job deadlines in the (wall) clock. */
  private now(): number {
    return this.settings.scheduler.now();
  }

  /**
   * Stops polling and watching deadlines until `release()`: nothing is reported while the nodes
   * that would receive it are being replaced. A poll in flight is cancelled.
   */
  hold(): void {
    if (this.isClosed || this.held) return;
    this.held = true;
    this.settings.scheduler.clearTimer(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
  }

  /** Polls and deadlines go on; a poll due while held comes at once. */
  release(): void {
    if (this.isClosed || !this.held) return;
    this.held = false;
    if (this.entries.size === 0 || this.polling) return;
    this.nextPollAt = Math.max(this.nextPollAt, this.earliestPollAt);
    this.arm();
  }

  private add(followed: FollowedJob): void {
    const entry = this.entries.get(followed.jobId);
    if (entry) {
      this.countGroup(entry.followed, -1);
      entry.followed = followed;
      entry.deadline = deadlineOf(followed);
    } else {
      this.entries.set(followed.jobId, { followed, deadline: deadlineOf(followed), misses: 0 });
    }
    this.countGroup(followed, 1);
    this.deadlines.set(followed.jobId, deadlineOf(followed));
    this.active = true;
  }

  /** The one way a job stops being followed: the counts, the deadlines and the store follow. */
  private remove(entry: Entry): void {
    const { jobId } = entry.followed;
    this.entries.delete(jobId);
    this.countGroup(entry.followed, -1);
    this.deadlines.delete(jobId);
    this.saves?.remove(jobId);
  }

  private countGroup(followed: FollowedJob, step: 1 | -1): void {
    const group = this.settings.groupOf?.(followed);
    if (group === undefined) return;
    const count = (this.groups.get(group) ?? 0) + step;
    if (count > 0) this.groups.set(group, count);
    else this.groups.delete(group);
  }

  private async load(store: TrackerStore): Promise<{ jobs: FollowedJob[]; damaged: boolean }> {
    try {
      return { jobs: await store.load(), damaged: false };
    } catch (error) {
      this.report(error);
      return { jobs: error instanceof TrackerStoreError ? error.recovered : [], damaged: true };
    }
  }

  /** Arms the timer when jobs are followed; a pending (backoff) poll time is kept. */
  private schedule(): void {
    if (this.isClosed || this.entries.size === 0) return;
    if (!this.timer && !this.polling) this.nextPollAt = Math.max(this.now() + this.settings.intervalMs, this.earliestPollAt);
    this.arm();
  }

  /**
   * The one timer: for the next poll or the next job deadline, whichever comes first. While a poll
   * runs it only watches deadlines, so a hanging request cannot hold a timeout back.
   */
  private arm(): void {
    this.settings.scheduler.clearTimer(this.timer);
    this.timer = undefined;
    if (this.held) return;
    const untilPoll = this.polling ? Infinity : Math.max(0, this.nextPollAt - this.now());
    const deadline = this.earliestDeadline();
    const untilDeadline = deadline === undefined ? Infinity : Math.max(0, deadline - this.settings.clock());
    const delay = Math.min(untilPoll, untilDeadline);
    if (delay !== Infinity) this.timer = this.settings.scheduler.setTimer(() => this.onTimer(), Math.min(delay, MAX_TIMER_MS));
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.isClosed || this.held) return;
    // Timers may fire up to a millisecond early.
    if (!this.polling && this.now() + 1 >= this.nextPollAt) {
      void this.poll();
      return;
    }
    this.expireTimeouts();
    this.settleOrStopPoll();
  }

  /** A poll in flight keeps only deadlines watched, or is cancelled once nothing is left to follow. */
  private settleOrStopPoll(): void {
    if (!this.polling) this.settle();
    else if (this.entries.size > 0) this.arm();
    else this.inFlight?.abort();
  }

  /** After a poll or a change of the followed set: go idle, or keep the timer armed. */
  private settle(): void {
    if (this.isClosed) return;
    if (this.entries.size > 0) {
      this.arm();
      return;
    }
    this.settings.scheduler.clearTimer(this.timer);
    this.timer = undefined;
    if (!this.active) return;
    this.active = false;
    this.emitSafe('idle');
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const controller = new AbortController();
    this.inFlight = controller;
    this.arm();
    let delay: number;
    try {
      delay = this.settings.beforePoll ? await this.requestAfterHook(controller.signal) : await this.request(controller.signal);
    } catch (error) {
      // request() handles client failures; this is a bug of ours, kept from stopping the tracker.
      this.report(error);
      delay = this.backoff.failure(error);
    } finally {
      this.inFlight = undefined;
      this.polling = false;
    }
    if (this.isClosed) return;
    if (!this.held) this.expireTimeouts();
    this.earliestPollAt = this.now() + delay;
    this.nextPollAt = this.earliestPollAt;
    this.settle();
  }

  /** The `beforePoll` hook (it may unfollow jobs), then the poll's requests for what is still followed. */
  private async requestAfterHook(signal: AbortSignal): Promise<number> {
    try {
      await this.settings.beforePoll?.();
    } catch (error) {
      this.report(error);
    }
    if (this.isClosed || this.held || this.entries.size === 0) return this.settings.intervalMs;
    return this.request(signal);
  }

  /** One list request (then at most one lookup), or few jobs by id; answers the wait before the next poll. */
  private async request(signal: AbortSignal): Promise<number> {
    if (this.entries.size <= this.settings.pollByIdUpTo) return this.requestById(signal);
    let jobs: ComputeJob[];
    try {
      jobs = await this.settings.client.listJobs({ signal });
    } catch (error) {
      // Aborted by close(), or because nothing is followed any more: not a failure.
      if (this.isClosed || signal.aborted) return this.settings.intervalMs;
      this.report(error);
      return this.backoff.failure(error);
    }
    if (this.isClosed) return 0;
    if (this.held) return this.settings.intervalMs;
    const delay = this.backoff.success();
    await this.applyList(jobs);
    if (this.isClosed) return 0;
    if (this.held) return this.settings.intervalMs;
    return this.lookupMissing(signal, delay);
  }

  /**
   * Asks for each followed job by id. A job the backend does not know (yet: a backend may not
   * have it right after its start) is a miss; after `missingPollsBeforeLookup` misses in a row it
   * is no longer followed and its NOT_FOUND is reported.
   */
  private async requestById(signal: AbortSignal): Promise<number> {
    for (const entry of [...this.entries.values()]) {
      if (!this.isCurrent(entry)) continue;
      const { jobId, did } = entry.followed;
      let job: ComputeJob;
      try {
        job = await this.settings.client.getJob(jobId, { signal, did });
      } catch (error) {
        if (this.isClosed || signal.aborted) return this.settings.intervalMs;
        if (!isNotFound(error)) {
          this.report(error, copyFollowed(entry.followed));
          return this.backoff.failure(error);
        }
        entry.misses += 1;
        if (entry.misses >= this.settings.missingPollsBeforeLookup && this.isCurrent(entry)) {
          this.remove(entry);
          // No longer followed: the tracker keeps nothing a listener could change.
          this.report(error, entry.followed);
        }
        continue;
      }
      if (this.isClosed) return 0;
      if (this.held) return this.settings.intervalMs;
      if (!this.isCurrent(entry)) continue;
      entry.misses = 0;
      this.observe(entry, job);
    }
    return this.backoff.success();
  }

  /**
   * Matches the list to the followed jobs and tells what changed. Thousands of jobs ending in one
   * poll are told in slices of at most SLICE_MS, with a turn of the event loop between them, so
   * that Node-RED delivers the first finals while the rest are still being matched.
   */
  private async applyList(jobs: ComputeJob[]): Promise<void> {
    const listed = new Map<string, ComputeJob>();
    for (const job of jobs) listed.set(job.jobId, job);
    let sliceStart = performance.now();
    // A copy: listeners may follow and unfollow while this runs.
    for (const entry of [...this.entries.values()]) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      // Held or closed since: jobs not reached yet are matched by the next poll.
      if (this.isClosed || this.held) return;
      if (!this.isCurrent(entry)) continue;
      const job = listed.get(entry.followed.jobId);
      if (job) {
        entry.misses = 0;
        this.observe(entry, job);
      } else {
        entry.misses += 1;
      }
    }
  }

  /**
   * A backend may not list a job yet right after its start; one missing for long enough is asked
   * for on its own, the longest missing first, one per poll.
   */
  private async lookupMissing(signal: AbortSignal, delay: number): Promise<number> {
    let missing: Entry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.misses >= this.settings.missingPollsBeforeLookup && (!missing || entry.misses > missing.misses)) missing = entry;
    }
    if (!missing) return delay;
    missing.misses = 0;
    const { jobId, did } = missing.followed;
    try {
      const job = await this.settings.client.getJob(jobId, { signal, did });
      if (!this.isClosed && !this.held && this.isCurrent(missing)) this.observe(missing, job);
      return delay;
    } catch (error) {
      if (this.isClosed || signal.aborted) return delay;
      const followed = copyFollowed(missing.followed);
      if (!isNotFound(error)) {
        this.report(error, followed);
        return this.backoff.failure(error);
      }
      if (this.isCurrent(missing)) {
        this.remove(missing);
        this.report(error, followed);
      }
      return delay;
    }
  }

  private observe(entry: Entry, job: ComputeJob): void {
    const previous = entry.last;
    entry.last = job;
    if (statusChanged(previous, job)) this.emitSafe('change', job, copyFollowed(entry.followed));
    if (!job.done || !this.isCurrent(entry)) return;
    this.remove(entry);
    // No longer followed: its own object goes out, uncopied (one copy less per job that ends).
    this.emitSafe('done', job, entry.followed);
  }

  private expireTimeouts(): void {
    const time = this.settings.clock();
    for (const jobId of this.deadlines.due(time)) {
      if (this.isClosed) return;
      const entry = this.entries.get(jobId);
      // A listener of an earlier timeout may have unfollowed this one, or followed it again later.
      if (!entry || entry.deadline === undefined || time < entry.deadline) continue;
      this.remove(entry);
      this.emitSafe('timeout', entry.followed, entry.last);
    }
  }

  private earliestDeadline(): number | undefined {
    return this.deadlines.earliest();
  }

  /** False once the job was unfollowed (and perhaps followed again) by a listener. */
  private isCurrent(entry: Entry): boolean {
    return this.entries.get(entry.followed.jobId) === entry;
  }

  private report(error: unknown, followed?: FollowedJob): void {
    this.emitSafe('error', asError(error), followed);
  }

  private emitSafe<K extends keyof JobTrackerEvents>(event: K, ...args: JobTrackerEvents[K]): void {
    if (this.isClosed) return;
    if (event === 'error' && this.listenerCount('error') === 0) return;
    try {
      // EventEmitter's typings cannot match a generic event name to its arguments; the signature above does.
      EventEmitter.prototype.emit.call(this, event, ...args);
    } catch (listenerError) {
      if (event !== 'error') this.report(listenerError);
    }
  }
}
