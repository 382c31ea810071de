import { invalidConfig } from '../../ocean/errors';
import { toFollowedJob } from '../../tracker/followed-job';
import { TrackerStoreError } from '../../tracker/store-error';
import type { FollowedJob, TrackerStore } from '../../tracker/types';
import { fromKeyPart, keyPart, type JobKeys } from '../job-keys';
import type { RedisCommands } from './connection';
import { CLAIM_JOBS, PUT_JOB, REMOVE_JOB, RENEW_LEASES, evalArgs } from './scripts';

/** Leases renewed per script run: one run holds Redis for a bounded time. */
const RENEW_BATCH = 500;
/** Jobs one claim may take: an instance adopts a large backlog over several scans. */
export const DEFAULT_CLAIM_BATCH = 200;

export interface RedisTrackerStoreOptions {
  redis: RedisCommands;
  keys: JobKeys;
  /** This instance, as leases name it. */
  owner: string;
  /** How long a lease lasts unless renewed. */
  leaseMs: number;
}

/**
 * Followed jobs in Redis, one key per job, shared by several Node-RED instances. Each job has an
 * owner, the one instance that follows it, holding a lease on it that it renews; a job whose
 * owner stopped renewing (it died) is adopted by exactly one other instance, atomically.
 */
export class RedisTrackerStore implements TrackerStore {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly redis: RedisCommands;
  private readonly keys: JobKeys;

  constructor(options: RedisTrackerStoreOptions) {
    const { owner, leaseMs } = options;
    const name = typeof owner === 'string' ? owner.trim() : '';
    if (name === '' || name.length > 200) throw invalidConfig('owner', 'a name of this instance, 1 to 200 characters', owner);
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 100) throw invalidConfig('leaseMs', 'a whole number of ms of 100 or more', leaseMs);
    this.owner = name;
    this.leaseMs = leaseMs;
    this.redis = options.redis;
    this.keys = options.keys;
  }

  /** The jobs this instance owns already (a quick restart) and those no one owns: their leases are taken. */
  load(): Promise<FollowedJob[]> {
    return this.claim(Number.MAX_SAFE_INTEGER, true);
  }

  async put(job: FollowedJob): Promise<void> {
    try {
      await this.redis.command(evalArgs(PUT_JOB, [this.keys.prefix, keyPart(job.jobId), JSON.stringify(job), this.owner, this.leaseMs]));
    } catch (error) {
      throw this.failure('STORE_WRITE_FAILED', `Could not save job ${job.jobId} to Redis`, error);
    }
  }

  /** Forgets a job, unless another instance adopted it meanwhile: that one follows it now. */
  async remove(jobId: string): Promise<void> {
    try {
      await this.redis.command(evalArgs(REMOVE_JOB, [this.keys.prefix, keyPart(jobId), this.owner]));
    } catch (error) {
      throw this.failure('STORE_WRITE_FAILED', `Could not forget job ${jobId} in Redis`, error);
    }
  }

  /** Extends the leases of the jobs this instance follows; answers those another instance owns now. */
  async renew(jobIds: string[]): Promise<string[]> {
    const lost: string[] = [];
    for (let start = 0; start < jobIds.length; start += RENEW_BATCH) {
      const batch = jobIds.slice(start, start + RENEW_BATCH);
      const byPart = new Map(batch.map((jobId) => [keyPart(jobId), jobId]));
      const answer = await this.redis.command(evalArgs(RENEW_LEASES, [this.keys.prefix, this.owner, this.leaseMs, ...byPart.keys()]));
      for (const part of asStrings(answer)) lost.push(byPart.get(part) ?? part);
    }
    return lost;
  }

  /** Takes over up to `max` jobs whose owner stopped renewing their leases. */
  adopt(max = DEFAULT_CLAIM_BATCH): Promise<FollowedJob[]> {
    return this.claim(max, false);
  }

  /** The ids of every job of the connection, whoever owns it. */
  async jobIds(): Promise<Set<string>> {
    const parts = asStrings(await this.redis.command(['SMEMBERS', this.keys.index]));
    return new Set(parts.map(fromKeyPart));
  }

  private async claim(max: number, mine: boolean): Promise<FollowedJob[]> {
    let answer: unknown;
    try {
      answer = await this.redis.command(evalArgs(CLAIM_JOBS, [this.keys.prefix, this.owner, this.leaseMs, max, mine ? 1 : 0]));
    } catch (error) {
      throw this.failure('STORE_UNREADABLE', 'Could not read the followed jobs from Redis', error);
    }
    const jobs: FollowedJob[] = [];
    const problems: string[] = [];
    asStrings(answer).forEach((text, index) => {
      try {
        jobs.push(toFollowedJob(JSON.parse(text) as unknown, `redis jobs[${index}]`));
      } catch (error) {
        problems.push(error instanceof SyntaxError ? `redis jobs[${index}] is not JSON` : (error as Error).message);
      }
    });
    if (problems.length > 0) throw new TrackerStoreError('STORE_CORRUPT', `The followed jobs in Redis: ${problems.join('; ')}; ${jobs.length} could be read`, 'redis', jobs);
    return jobs;
  }

  private failure(code: 'STORE_WRITE_FAILED' | 'STORE_UNREADABLE', what: string, error: unknown): TrackerStoreError {
    return new TrackerStoreError(code, `${what}: ${error instanceof Error ? error.message : String(error)}`, 'redis');
  }
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item))) : [];
}
