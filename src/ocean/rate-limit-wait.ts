import { OceanError, isOceanError } from './errors';

export interface RateLimitWaits {
  /** Most time spent waiting for one call, in all (default 90 s); a longer wait is reported at once. */
  maxTotalMs?: number;
  /** Waits `ms`, or rejects when `signal` aborts (the default uses a timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface WaitHooks {
  /** Told before each wait, so a node can show that it waits. */
  onWait?(ms: number): void;
  signal?: AbortSignal;
}

const DEFAULT_MAX_TOTAL_MS = 90_000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new OceanError('ABORTED', 'The wait was cancelled: the connection was closed'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new OceanError('ABORTED', 'The wait was cancelled: the connection was closed'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs a call that a backend may refuse with 429 before doing anything (Ocean Node's rate limit):
 * waits what the answer says and sends it again, within `maxTotalMs` in all; only then is
 * RATE_LIMITED reported.
 */
export async function retryRateLimited<T>(call: () => Promise<T>, waits: RateLimitWaits, closing: AbortSignal, hooks: WaitHooks = {}): Promise<T> {
  const maxTotalMs = waits.maxTotalMs ?? DEFAULT_MAX_TOTAL_MS;
  const wait = waits.sleep ?? sleep;
  let waited = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isOceanError(error) || error.code !== 'RATE_LIMITED' || error.retryAfterMs === undefined) throw error;
      const ms = Math.max(error.retryAfterMs, 1);
      if (waited + ms > maxTotalMs) throw error;
      hooks.onWait?.(ms);
      waited += ms;
      const combined = either(closing, hooks.signal);
      try {
        await wait(ms, combined.signal);
      } finally {
        combined.dispose();
      }
    }
  }
}

/** A signal that aborts when either does (AbortSignal.any needs Node.js 20.3); dispose() unhooks it. */
function either(a: AbortSignal, b: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  if (!b) return { signal: a, dispose: () => undefined };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}
