import { rateLimitWaitMs } from './error-info';

/** Past this many doublings every wait is the cap anyway; it keeps 2 ** n finite. */
const MAX_DOUBLINGS = 30;

/**
 * The wait before the next poll: the interval after a success; after the n-th failure in a row
 * interval * 2^n, at least what a rate-limited server asked for, never more than the cap.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly maxMs: number,
  ) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  success(): number {
    this.failures = 0;
    return this.intervalMs;
  }

  failure(error: unknown): number {
    this.failures = Math.min(this.failures + 1, MAX_DOUBLINGS);
    const exponential = this.intervalMs * 2 ** this.failures;
    return Math.min(this.maxMs, Math.max(exponential, rateLimitWaitMs(error) ?? 0));
  }
}
