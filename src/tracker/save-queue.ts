import type { FollowedJob, TrackerStore } from './types';

/**
 * Writes the followed jobs to the store one save at a time. Requests made while a save runs are
 * folded into one more save of the latest list, so a burst of follows costs at most two writes.
 */
export class SaveQueue {
  private dirty = false;
  private running?: Promise<void>;
  private gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TrackerStore,
    private readonly snapshot: () => FollowedJob[],
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Saves wait for `loading`: a save that overtook a load would overwrite what the load is about to read. */
  holdUntil(loading: Promise<unknown>): void {
    this.gate = loading.then(
      () => undefined,
      () => undefined,
    );
  }

  request(): void {
    this.dirty = true;
    this.running ??= this.run();
  }

  /** Resolves once every requested save has been attempted; never rejects. */
  async settled(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<void> {
    try {
      await this.gate;
      // Loops again only when a request arrived during the save.
      while (this.dirty) {
        this.dirty = false;
        try {
          await this.store.save(this.snapshot());
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
