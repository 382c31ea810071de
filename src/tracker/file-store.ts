import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { invalidConfig } from '../ocean/errors';
import { writeFileAtomic } from '../store/atomic-file';
import { errorCode } from './error-info';
import { TrackerStoreError } from './store-error';
import { formatChange, formatSnapshot, parseLog, parseSnapshot } from './store-format';
import type { FollowedJob, TrackerStore } from './types';

/** The change log may grow to the snapshot's size (and at least this) before it is folded into a new snapshot. */
const MIN_LOG_BYTES = 256 * 1024;

interface Batch {
  done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Keeps the followed jobs in two files: a snapshot (`path`, the whole list, written atomically)
 * and a change log beside it (`<path>.log`) that each follow and unfollow appends one line to, so
 * a change costs the size of one job, not of the list. Once the log outgrows the snapshot, a new
 * snapshot replaces both. Changes carry numbers: a crash between writing a snapshot and clearing
 * the log leaves lines the snapshot already holds, and they are skipped; a crash inside an append
 * leaves a torn last line, which is dropped. Either way the old list or the new one loads.
 *
 * A missing file is an empty list. A damaged file is moved aside (`.corrupt`) and `load` rejects
 * with a TrackerStoreError whose `recovered` holds the jobs that could still be read. Writes
 * made before any `load` start a new list, as the single-file store did.
 */
export class FileTrackerStore implements TrackerStore {
  readonly path: string;
  readonly logPath: string;
  /** Each saved job as the JSON text written for it: compacting joins these. */
  private readonly texts = new Map<string, string>();
  private liveBytes = 0;
  private seq = 0;
  private logBytes = 0;
  /** The next write rewrites the snapshot: nothing was loaded yet, or the log must be cleaned. */
  private compactDue = true;
  private pending: string[] = [];
  private batch?: Batch;
  private writing?: Promise<void>;
  private folderReady = false;
  private written = 0;

  constructor(path: string) {
    if (typeof path !== 'string' || path.trim() === '') throw invalidConfig('path', 'the path of the job tracker file', path);
    this.path = path;
    this.logPath = `${path}.log`;
  }

  /** Bytes handed to the file system since this store was made (snapshots and log lines). */
  get bytesWritten(): number {
    return this.written;
  }

  async load(): Promise<FollowedJob[]> {
    await this.writing;
    const snapshotText = await this.read(this.path);
    const logText = await this.read(this.logPath);
    const snapshot = parseSnapshot(snapshotText ?? `{"version":1,"jobs":[]}`);
    const log = parseLog(logText ?? '');
    const jobs = new Map(snapshot.jobs.map((job) => [job.jobId, job]));
    let seq = snapshot.seq;
    for (const change of log.changes) {
      if (change.seq <= snapshot.seq) continue;
      seq = Math.max(seq, change.seq);
      if ('put' in change) jobs.set(change.put.jobId, change.put);
      else jobs.delete(change.remove);
    }
    this.texts.clear();
    this.liveBytes = 0;
    for (const job of jobs.values()) this.remember(job.jobId, JSON.stringify(job));
    this.seq = seq;
    this.logBytes = logText === undefined ? 0 : Buffer.byteLength(logText);
    // A log left by the last run is folded in on the next write; that also clears a torn last line.
    this.compactDue = this.logBytes > 0;
    const problems = [...(snapshotText === undefined ? [] : snapshot.problems), ...log.problems];
    if (problems.length === 0) return [...jobs.values()];
    this.compactDue = true;
    const asides = [];
    if (snapshot.problems.length > 0 && snapshotText !== undefined) asides.push(await moveAside(this.path));
    if (log.problems.length > 0) asides.push(await moveAside(this.logPath));
    const moved = asides.filter((aside): aside is string => aside !== undefined);
    const where = moved.length > 0 ? `; it was moved to ${moved.join(' and ')}` : '';
    throw new TrackerStoreError('STORE_CORRUPT', `The job tracker file ${this.path} ${problems.join('; ')}${where}; ${jobs.size} followed job(s) could be read`, this.path, [...jobs.values()]);
  }

  /** Saves one job (replacing what was saved under its id); resolves once it is on disk. */
  put(job: FollowedJob): Promise<void> {
    const text = JSON.stringify(job);
    this.remember(job.jobId, text);
    this.seq += 1;
    // formatChange's line, built from the text already made: a job is serialized once.
    return this.enqueue(`{"seq":${this.seq},"put":${text}}\n`);
  }

  /** Forgets one job; nothing is written for a job this store does not hold. */
  remove(jobId: string): Promise<void> {
    const text = this.texts.get(jobId);
    if (text === undefined) return this.batch?.done ?? Promise.resolve();
    this.texts.delete(jobId);
    this.liveBytes -= text.length;
    this.seq += 1;
    return this.enqueue(formatChange({ seq: this.seq, remove: jobId }));
  }

  /** Removes both files once pending writes are done (the connection was deleted). */
  async removeFiles(): Promise<void> {
    await this.writing;
    await Promise.all([rm(this.path, { force: true }), rm(this.logPath, { force: true })]);
  }

  private remember(jobId: string, text: string): void {
    this.liveBytes += text.length - (this.texts.get(jobId)?.length ?? 0);
    this.texts.set(jobId, text);
  }

  /** Changes made together, or while a write runs, go out together in the next write. */
  private enqueue(line: string): Promise<void> {
    this.pending.push(line);
    this.batch ??= deferred();
    const { done } = this.batch;
    this.writing ??= Promise.resolve().then(() => this.drain());
    return done;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const lines = this.pending;
        const batch = this.batch;
        this.pending = [];
        this.batch = undefined;
        try {
          const text = lines.join('');
          const bytes = Buffer.byteLength(text);
          if (this.compactDue || this.logBytes + bytes > Math.max(MIN_LOG_BYTES, this.liveBytes)) await this.compact();
          else await this.append(text, bytes);
          batch?.resolve();
        } catch (error) {
          // What is in memory is right; the next write rewrites the snapshot from it.
          this.compactDue = true;
          batch?.reject(new TrackerStoreError('STORE_WRITE_FAILED', `Could not save the followed jobs to ${this.path}: ${reason(error)}`, this.path));
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** The whole list as a new snapshot (it already holds every change queued so far), then an empty log. */
  private async compact(): Promise<void> {
    const text = formatSnapshot(this.texts.values(), this.seq);
    await writeFileAtomic(this.path, text);
    this.written += Buffer.byteLength(text);
    this.folderReady = true;
    await rm(this.logPath, { force: true });
    this.logBytes = 0;
    this.compactDue = false;
  }

  private async append(text: string, bytes: number): Promise<void> {
    if (!this.folderReady) {
      await mkdir(dirname(this.logPath), { recursive: true });
      this.folderReady = true;
    }
    const file = await open(this.logPath, 'a', 0o600);
    try {
      await file.writeFile(text, 'utf8');
      await file.datasync();
    } finally {
      await file.close();
    }
    this.written += bytes;
    this.logBytes += bytes;
  }

  /** The file's text; undefined when there is no such file. */
  private async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new TrackerStoreError('STORE_UNREADABLE', `Could not read the followed jobs from ${path}: ${reason(error)}`, this.path);
    }
  }
}

function deferred(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits must not become an unhandled rejection; callers still see it.
  done.catch(() => undefined);
  return { done, resolve, reject };
}

/** Keeps a damaged file for inspection instead of letting the next write overwrite it. */
async function moveAside(path: string): Promise<string | undefined> {
  const aside = `${path}.corrupt`;
  try {
    await rename(path, aside);
    return aside;
  } catch {
    return undefined;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
