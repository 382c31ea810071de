import type { ComputeEnvironment } from './environments';

/**
 * The backend's environment list for picking: one request shared by every caller while it is in
 * flight, and reused for a few seconds, so N starts picking at once cost one list request.
 */
export class EnvironmentCache {
  private pending?: Promise<ComputeEnvironment[]>;
  private kept?: { at: number; environments: ComputeEnvironment[] };

  constructor(
    private readonly fetch: () => Promise<ComputeEnvironment[]>,
    private readonly maxAgeMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<ComputeEnvironment[]> {
    if (this.kept && this.clock() - this.kept.at <= this.maxAgeMs) return Promise.resolve(this.kept.environments);
    this.pending ??= this.fetch().then(
      (environments) => {
        this.kept = { at: this.clock(), environments };
        this.pending = undefined;
        return environments;
      },
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    return this.pending;
  }

  /** The next get() asks the backend again (a pick that turned out to have no room). */
  forget(): void {
    this.kept = undefined;
  }
}
