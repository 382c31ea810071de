import { performance } from 'node:perf_hooks';

/** The tracker's sense of time for polls: a monotonic clock and one timer. Tests drive their own. */
export interface Scheduler {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
