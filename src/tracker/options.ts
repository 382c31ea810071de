import { invalidConfig } from '../ocean/errors';
import { realScheduler, type Scheduler } from './scheduler';
import type { FollowedJob, JobTrackerOptions, TrackerClient, TrackerStore } from './types';

export const DEFAULT_INTERVAL_MS = 5_000;
/** The longest wait after failures in a row (a rate limit's own wait may be longer). */
export const DEFAULT_MAX_BACKOFF_MS = 30_000;
export const DEFAULT_MISSING_POLLS_BEFORE_LOOKUP = 3;
/** One followed job is asked for by id: one request per poll, as the list is, but not the wallet's whole history. */
export const DEFAULT_POLL_BY_ID_UP_TO = 1;

export interface TrackerSettings {
  client: TrackerClient;
  intervalMs: number;
  maxBackoffMs: number;
  missingPollsBeforeLookup: number;
  pollByIdUpTo: number;
  groupOf?: (job: FollowedJob) => string | undefined;
  beforePoll?: () => Promise<void>;
  clock: () => number;
  scheduler: Scheduler;
  store?: TrackerStore;
}

/** setTimeout's own limit: longer delays fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function trackerSettings(options: JobTrackerOptions): TrackerSettings {
  const { client, store, clock = Date.now, scheduler = realScheduler, groupOf, beforePoll } = options;
  if (!client || typeof client.listJobs !== 'function' || typeof client.getJob !== 'function') {
    throw invalidConfig('client', 'an object with listJobs and getJob', client);
  }
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!isDelay(intervalMs)) throw invalidConfig('intervalMs', 'a number of ms above 0', intervalMs);
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  if (!isDelay(maxBackoffMs)) throw invalidConfig('maxBackoffMs', 'a number of ms above 0', maxBackoffMs);
  const missingPollsBeforeLookup = options.missingPollsBeforeLookup ?? DEFAULT_MISSING_POLLS_BEFORE_LOOKUP;
  if (!Number.isInteger(missingPollsBeforeLookup) || missingPollsBeforeLookup < 1) {
    throw invalidConfig('missingPollsBeforeLookup', 'a whole number of 1 or more', missingPollsBeforeLookup);
  }
  const pollByIdUpTo = options.pollByIdUpTo ?? DEFAULT_POLL_BY_ID_UP_TO;
  if (!Number.isInteger(pollByIdUpTo) || pollByIdUpTo < 0) throw invalidConfig('pollByIdUpTo', 'a whole number of 0 or more', pollByIdUpTo);
  if (typeof clock !== 'function') throw invalidConfig('clock', 'a function answering ms', clock);
  if (groupOf !== undefined && typeof groupOf !== 'function') throw invalidConfig('groupOf', 'a function answering a group name', groupOf);
  if (beforePoll !== undefined && typeof beforePoll !== 'function') throw invalidConfig('beforePoll', 'a function answering a promise', beforePoll);
  if (store && (typeof store.load !== 'function' || typeof store.put !== 'function' || typeof store.remove !== 'function')) {
    throw invalidConfig('store', 'an object with load, put and remove', undefined, { hideValue: true });
  }
  // A cap below the interval would make failures poll faster than successes.
  return { client, store, clock, scheduler, intervalMs, maxBackoffMs: Math.max(maxBackoffMs, intervalMs), missingPollsBeforeLookup, pollByIdUpTo, groupOf, beforePoll };
}

function isDelay(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS;
}
