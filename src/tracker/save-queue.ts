import type { FollowedJob, TrackerStore } from './types';

/**
 * Writes changed jobs to the store, one round at a time. Changes made while a round runs wait
 * for the next one, folded per job (its latest state only), so a job never has two writes in
 * flight and a burst of follows costs one write per job, not one per follow of the whole list.
 */
export class SaveQueue {
  /** Job id -> its latest state; undefined: remove it. */
  private readonly pending = new Map<string, FollowedJob | undefined>();
  private running?: Promise<void>;
  private gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TrackerStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Writes wait for `loading`: one that overtook a load would be read back as if it came before it. */
  holdUntil(loading: Promise<unknown>): void {
    this.gate = loading.then(
      () => undefined,
      () => undefined,
    );
  }

  put(job: FollowedJob): void {
    this.pending.set(job.jobId, job);
    this.running ??= this.run();
  }

  remove(jobId: string): void {
    this.pending.set(jobId, undefined);
    this.running ??= this.run();
  }

  /** Resolves once every requested write has been attempted; never rejects. */
  async settled(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<void> {
    try {
      await this.gate;
      while (this.pending.size > 0) {
        const round = [...this.pending];
        this.pending.clear();
        const outcomes = await Promise.allSettled(round.map(([jobId, job]) => (job ? this.store.put(job) : this.store.remove(jobId))));
        // A store that writes jobs together fails them together: one report per distinct error.
        const failures = new Map<string, unknown>();
        for (const outcome of outcomes) if (outcome.status === 'rejected') failures.set(String(outcome.reason), outcome.reason);
        for (const error of failures.values()) this.onError(error);
      }
    } finally {
      this.running = undefined;
    }
  }
}
