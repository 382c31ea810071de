import { rateLimitWaitMs } from './error-info';

/** Past this many doublings every wait is the cap anyway; it keeps 2 ** n finite. */
const MAX_DOUBLINGS = 30;
/** A rate limit's own wait is kept, up to this: a server cannot park the tracker for days. */
export const MAX_RATE_LIMIT_WAIT_MS = 5 * 60_000;

/**
 * The wait before the next poll: the interval after a success; after the n-th failure in a row
 * interval * 2^n, never more than the cap; but at least what a rate-limited server asked for.
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
    return Math.max(Math.min(this.maxMs, exponential), Math.min(rateLimitWaitMs(error) ?? 0, MAX_RATE_LIMIT_WAIT_MS));
  }
}
