import { toFollowedJob } from '../tracker/followed-job';
import { TrackerStoreError } from '../tracker/store-error';
import type { FollowedJob, TrackerStore } from '../tracker/types';
import type { AsyncKeyValue } from './async-key-value';
import type { JobKeys } from './job-keys';

/**
 * Keeps followed jobs in a key-value store (a Node-RED context store), one key per job, so a
 * change writes one job whatever the number followed. With a persistent context store the jobs
 * outlive a user directory that does not survive a restart (hosted Node-RED).
 */
export class ContextTrackerStore implements TrackerStore {
  constructor(
    private readonly values: AsyncKeyValue,
    private readonly keys: JobKeys,
    /** Names the store in errors ("context store \"file\""). */
    private readonly where: string,
  ) {}

  async load(): Promise<FollowedJob[]> {
    let names: string[];
    try {
      names = (await this.values.keys()).filter((key) => key.startsWith(`${this.keys.prefix}job:`));
    } catch (error) {
      throw new TrackerStoreError('STORE_UNREADABLE', `Could not list the followed jobs in ${this.where}: ${reason(error)}`, this.where);
    }
    const jobs: FollowedJob[] = [];
    const problems: string[] = [];
    for (const key of names) {
      try {
        jobs.push(toFollowedJob(await this.values.get(key), key));
      } catch (error) {
        problems.push(reason(error));
      }
    }
    if (problems.length > 0) {
      throw new TrackerStoreError('STORE_CORRUPT', `The followed jobs in ${this.where}: ${problems.join('; ')}; ${jobs.length} followed job(s) could be read`, this.where, jobs);
    }
    return jobs;
  }

  async put(job: FollowedJob): Promise<void> {
    try {
      await this.values.set(this.keys.job(job.jobId), job);
    } catch (error) {
      throw new TrackerStoreError('STORE_WRITE_FAILED', `Could not save job ${job.jobId} to ${this.where}: ${reason(error)}`, this.where);
    }
  }

  async remove(jobId: string): Promise<void> {
    try {
      await this.values.set(this.keys.job(jobId), undefined);
    } catch (error) {
      throw new TrackerStoreError('STORE_WRITE_FAILED', `Could not forget job ${jobId} in ${this.where}: ${reason(error)}`, this.where);
    }
  }

  /** Forgets every job of the connection (it was deleted). */
  async removeAll(): Promise<void> {
    const names = (await this.values.keys()).filter((key) => key.startsWith(this.keys.prefix));
    for (const key of names) await this.values.set(key, undefined);
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
