import type { FollowedJob } from '../../tracker/types';
import type { RedisTrackerStore } from './tracker-store';

/** What the keeper needs of the job tracker. */
export interface LeasedTracker {
  readonly closed: boolean;
  list(): FollowedJob[];
  has(jobId: string): boolean;
  follow(job: FollowedJob): void;
  unfollow(jobId: string): boolean;
}

export interface LeaseKeeperOptions {
  store: RedisTrackerStore;
  tracker: LeasedTracker;
  onError(error: Error): void;
  /** Told of jobs taken over from an instance that stopped renewing. */
  onAdopt?(jobs: FollowedJob[]): void;
  /** Told of jobs another instance owns now: this one no longer follows them. */
  onLost?(jobIds: string[]): void;
}

/**
 * Renews the leases of the jobs this instance follows three times per lease, and at every other
 * renewal adopts the jobs whose owner stopped renewing. One timer, armed only after the previous
 * round ended; cleared on close.
 */
export class LeaseKeeper {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private rounds = 0;
  private isClosed = false;
  /** The last round failed: a Redis outage is reported once, not at every round. */
  private failing = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  /** The first round runs at once: jobs left by a dead instance are adopted on start. */
  start(): void {
    if (this.isClosed || this.round || this.timer) return;
    this.run();
  }

  /** Stops the timer; resolves once a round in flight has ended. Leases are left to lapse. */
  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }

  private run(): void {
    this.timer = undefined;
    this.round = this.tick().finally(() => {
      this.round = undefined;
      if (this.isClosed || this.options.tracker.closed) return;
      this.timer = setTimeout(() => this.run(), Math.max(50, Math.floor(this.options.store.leaseMs / 3)));
    });
  }

  private async tick(): Promise<void> {
    try {
      await this.renewAndAdopt();
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.options.onError(error instanceof Error ? error : new Error(String(error)));
      this.failing = true;
    }
  }

  /**
   * Renews the leases now and unfollows the jobs another instance took over: the tracker calls it
   * before each poll, so an instance whose timers were held up (a long pause) does not report a
   * job it no longer owns. Rejects when Redis cannot be asked.
   */
  async renewNow(): Promise<void> {
    if (this.isClosed || this.options.tracker.closed) return;
    await this.renew();
  }

  private async renew(): Promise<void> {
    const { store, tracker } = this.options;
    const lost = await store.renew(tracker.list().map((job) => job.jobId));
    if (this.isClosed || tracker.closed) return;
    const dropped = lost.filter((jobId) => tracker.unfollow(jobId));
    if (dropped.length > 0) this.options.onLost?.(dropped);
  }

  private async renewAndAdopt(): Promise<void> {
    const { store, tracker } = this.options;
    await this.renew();
    if (this.isClosed || tracker.closed) return;
    if (this.rounds++ % 2 !== 0) return;
    const adopted = (await store.adopt()).filter((job) => !tracker.has(job.jobId));
    if (this.isClosed || tracker.closed || adopted.length === 0) return;
    for (const job of adopted) tracker.follow(job);
    this.options.onAdopt?.(adopted);
  }
}
