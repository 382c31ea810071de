import { readFile, rename } from 'node:fs/promises';
import { invalidConfig } from '../ocean/errors';
import { writeFileAtomic } from '../store/atomic-file';
import { errorCode } from './error-info';
import { TrackerStoreError } from './store-error';
import { formatStore, parseStore } from './store-format';
import type { FollowedJob, TrackerStore } from './types';

/**
 * Keeps the followed jobs in one JSON file, written atomically (the old list or the new one,
 * never half of one).
 * A missing file is an empty list. A damaged file is moved aside to `<path>.corrupt` and `load`
 * rejects with a TrackerStoreError whose `recovered` holds the jobs that could still be read.
 */
export class FileTrackerStore implements TrackerStore {
  readonly path: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(path: string) {
    if (typeof path !== 'string' || path.trim() === '') throw invalidConfig('path', 'the path of the job tracker file', path);
    this.path = path;
  }

  async load(): Promise<FollowedJob[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw new TrackerStoreError('STORE_UNREADABLE', `Could not read the followed jobs from ${this.path}: ${reason(error)}`, this.path);
    }
    const { jobs, problems } = parseStore(text);
    if (problems.length === 0) return jobs;
    const aside = await this.moveAside();
    const where = aside ? `; it was moved to ${aside}` : '';
    throw new TrackerStoreError('STORE_CORRUPT', `The job tracker file ${this.path} ${problems.join('; ')}${where}; ${jobs.length} followed job(s) could be read`, this.path, jobs);
  }

  /** Saves run one after another, in call order, so the last call's list is what stays. */
  save(jobs: FollowedJob[]): Promise<void> {
    const text = formatStore(jobs);
    const write = this.queue.then(() => this.write(text));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(text: string): Promise<void> {
    try {
      await writeFileAtomic(this.path, text);
    } catch (error) {
      throw new TrackerStoreError('STORE_WRITE_FAILED', `Could not save the followed jobs to ${this.path}: ${reason(error)}`, this.path);
    }
  }

  /** Keeps a damaged file for inspection instead of letting the next save overwrite it. */
  private async moveAside(): Promise<string | undefined> {
    const aside = `${this.path}.corrupt`;
    try {
      await rename(this.path, aside);
      return aside;
    } catch {
      return undefined;
    }
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
