import { invalidInput } from '../ocean/errors';
import { isRecord } from '../ocean/server-message';
import type { FollowedJob } from './types';

/**
 * Checks a job to follow and returns a copy the caller can no longer change. `where` names it in
 * error messages ("job", "jobs[3]").
 */
export function toFollowedJob(value: unknown, where = 'job'): FollowedJob {
  if (!isRecord(value)) throw invalidInput(where, 'an object with jobId and startedAt', value);
  const { jobId, did, startedAt, timeoutMs, context } = value;
  if (typeof jobId !== 'string' || jobId.trim() === '') throw invalidInput(`${where}.jobId`, 'the id compute-start returned', jobId);
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) throw invalidInput(`${where}.startedAt`, 'a time in ms', startedAt);
  if (did !== undefined && typeof did !== 'string') throw invalidInput(`${where}.did`, 'a DID string', did);
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs))) {
    throw invalidInput(`${where}.timeoutMs`, 'a number of ms above 0', timeoutMs);
  }
  const job: FollowedJob = { jobId, startedAt };
  if (did !== undefined) job.did = did;
  if (timeoutMs !== undefined) job.timeoutMs = timeoutMs;
  if (context !== undefined) job.context = jsonCopy(context, `${where}.context`);
  return job;
}

/** A copy to hand out, so that listeners cannot change what the tracker keeps. */
export function copyFollowed(job: FollowedJob): FollowedJob {
  return structuredClone(job);
}

/** When the job times out in the tracker's clock, if it has a timeout. */
export function deadlineOf(job: FollowedJob): number | undefined {
  return job.timeoutMs === undefined ? undefined : job.startedAt + job.timeoutMs;
}

/** The context as it will read back from the store: functions and undefined drop out, BigInt and cycles are refused. */
function jsonCopy(context: unknown, field: string): Record<string, unknown> {
  if (!isRecord(context)) throw invalidInput(field, 'a JSON object', context);
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(context));
  } catch {
    throw invalidInput(field, 'JSON-safe data (no BigInt, no cycles)', undefined, { hideValue: true });
  }
  if (!isRecord(copy)) throw invalidInput(field, 'a JSON object', context);
  return copy;
}
