import { performance } from 'node:perf_hooks';
import { OceanError, type ComputeJob } from '../../src/ocean';
import type { TrackerClient } from '../../src/tracker';

const TEXTS: Record<number, string> = { 10: 'Job started', 20: 'Configuring volumes', 40: 'Running algorithm', 60: 'Publishing results', 70: 'Job finished', 71: 'Job finished' };

export function job(jobId: string, status: number, overrides: Partial<ComputeJob> = {}): ComputeJob {
  return {
    jobId,
    backend: 'ocean-node',
    status,
    statusText: TEXTS[status] ?? `Status ${status}`,
    done: status >= 70,
    failed: false,
    ok: true,
    stopRequested: false,
    results: [],
    raw: {},
    ...overrides,
  };
}

/**
 * An in-memory backend: lists `listed`, answers lookups from `listed` and `unlisted`, and records
 * when each request came so that tests can count and time them.
 */
export class FakeClient implements TrackerClient {
  readonly listed = new Map<string, ComputeJob>();
  readonly unlisted = new Map<string, ComputeJob>();
  /** performance.now() of each list request. */
  readonly listTimes: number[] = [];
  /** "<jobId>@<number of list requests so far>" for each lookup. */
  readonly lookups: string[] = [];
  /** Errors the next list requests fail with, in order. */
  readonly listFailures: unknown[] = [];
  /** Called as list request `call` (1-based) answers: a test changes the backend's jobs here. */
  beforeAnswer?: (call: number) => void;
  /** When true, list requests answer only by failing when aborted. */
  hang = false;
  latencyMs = 1;
  inFlight = 0;
  maxInFlight = 0;
  aborted = 0;

  get listCalls(): number {
    return this.listTimes.length;
  }

  set(...jobs: ComputeJob[]): void {
    for (const j of jobs) this.listed.set(j.jobId, j);
  }

  async listJobs(options: { signal?: AbortSignal } = {}): Promise<ComputeJob[]> {
    this.listTimes.push(performance.now());
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.wait(options.signal);
      this.beforeAnswer?.(this.listTimes.length);
      const failure = this.listFailures.shift();
      if (failure !== undefined) throw failure;
      return [...this.listed.values()];
    } finally {
      this.inFlight -= 1;
    }
  }

  async getJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<ComputeJob> {
    this.lookups.push(`${jobId}@${this.listTimes.length}`);
    await this.wait(options.signal);
    const found = this.listed.get(jobId) ?? this.unlisted.get(jobId);
    if (!found) throw new OceanError('NOT_FOUND', `Job ${jobId} is not known`, { jobId, httpStatus: 404 });
    return found;
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        this.aborted += 1;
        reject(new OceanError('ABORTED', 'Could not list jobs: the request was cancelled'));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      const timer = this.hang
        ? undefined
        : setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, this.latencyMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export const serverError = (): OceanError => new OceanError('SERVER_ERROR', 'HTTP 500', { httpStatus: 500 });
export const rateLimited = (retryAfterMs?: number): OceanError => new OceanError('RATE_LIMITED', 'HTTP 429: Rate limit exceeded', { httpStatus: 429, retryAfterMs });
