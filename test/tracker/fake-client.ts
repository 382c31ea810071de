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

/** One request to a ManualClient: it waits until the test answers it (or the client's `answer` does). */
export interface ManualRequest {
  /** "list", or "get <jobId>". */
  readonly what: string;
  /** When it was sent, in the client's time. */
  readonly at: number;
  readonly options: { signal?: AbortSignal; did?: string };
  /** Still waiting for an answer. */
  readonly open: boolean;
  resolve(value: ComputeJob[] | ComputeJob): void;
  reject(error: unknown): void;
}

/**
 * A backend a test answers by hand, one request at a time, for virtual time: `answer` answers a
 * request at once (jobs for "list", a job or an error for "get <id>"; undefined leaves it
 * waiting), `waiting(what)` hands out the one still open. With `honoursAbort` (the default) an
 * aborted request fails with ABORTED as OceanClient's do; without it the signal is ignored, as a
 * pluggable client may.
 */
export class ManualClient implements TrackerClient {
  readonly requests: ManualRequest[] = [];
  answer?: (what: string) => ComputeJob[] | ComputeJob | Error | undefined;
  honoursAbort = true;

  constructor(private readonly now: () => number = () => 0) {}

  /** Every request sent, in order: "list", "get a". */
  get sent(): string[] {
    return this.requests.map((request) => request.what);
  }

  /** Every request sent, with its time: "list@5000". */
  get sentAt(): string[] {
    return this.requests.map((request) => `${request.what}@${request.at}`);
  }

  /** The request `what` that is still open; fails when there is none. */
  waiting(what: string): ManualRequest {
    const request = this.requests.find((r) => r.what === what && r.open);
    if (!request) throw new Error(`no open request "${what}" (sent: ${this.sent.join(', ')})`);
    return request;
  }

  listJobs(options: { signal?: AbortSignal } = {}): Promise<ComputeJob[]> {
    return this.send('list', options) as Promise<ComputeJob[]>;
  }

  getJob(jobId: string, options: { signal?: AbortSignal; did?: string } = {}): Promise<ComputeJob> {
    return this.send(`get ${jobId}`, options) as Promise<ComputeJob>;
  }

  private send(what: string, options: { signal?: AbortSignal; did?: string }): Promise<ComputeJob[] | ComputeJob> {
    return new Promise((resolve, reject) => {
      let open = true;
      const request: ManualRequest = {
        what,
        at: this.now(),
        options,
        get open() {
          return open;
        },
        resolve(value) {
          if (open) resolve(value);
          open = false;
        },
        reject(error) {
          if (open) reject(error);
          open = false;
        },
      };
      this.requests.push(request);
      const { signal } = options;
      const aborted = (): OceanError => new OceanError('ABORTED', `Could not ${what}: the request was cancelled`);
      if (this.honoursAbort && signal) {
        if (signal.aborted) request.reject(aborted());
        else signal.addEventListener('abort', () => request.reject(aborted()), { once: true });
      }
      const answer = this.answer?.(what);
      if (answer instanceof Error) request.reject(answer);
      else if (answer !== undefined) request.resolve(answer);
    });
  }
}
