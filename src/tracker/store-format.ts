import { isRecord } from '../ocean/server-message';
import { toFollowedJob } from './followed-job';
import type { FollowedJob } from './types';

/** Bumped when the snapshot's shape changes, so that an older reader can refuse it. */
export const STORE_VERSION = 1;

export interface ParsedStore {
  jobs: FollowedJob[];
  /** The last change the snapshot holds; 0 for files written before changes were numbered. */
  seq: number;
  /** What was wrong, in words; empty when the whole file was fine. */
  problems: string[];
}

/** One change to the followed jobs, as a line of the change log. */
export type StoreChange = { seq: number; put: FollowedJob } | { seq: number; remove: string };

export interface ParsedLog {
  changes: StoreChange[];
  problems: string[];
}

/**
 * The snapshot: `{"version":1,"seq":N,"jobs":[...]}` on one line, from jobs already serialized
 * (the store keeps each job's text, so compacting does not serialize them again). `seq` is
 * extra to version 1: readers that do not know it ignore it.
 */
export function formatSnapshot(jobTexts: Iterable<string>, seq: number): string {
  return `{"version":${STORE_VERSION},"seq":${seq},"jobs":[${[...jobTexts].join(',')}]}\n`;
}

export function formatChange(change: StoreChange): string {
  return `${JSON.stringify(change)}\n`;
}

/** Reads `{ "version": 1, "jobs": [...] }` (pretty or not), keeping every job that is valid on its own. */
export function parseSnapshot(text: string): ParsedStore {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { jobs: [], seq: 0, problems: ['is not JSON'] };
  }
  if (!isRecord(document) || !Array.isArray(document.jobs)) return { jobs: [], seq: 0, problems: ['is not a list of followed jobs'] };
  if (document.version !== STORE_VERSION) return { jobs: [], seq: 0, problems: [`has version ${JSON.stringify(document.version)}, not ${STORE_VERSION}`] };
  const seq = typeof document.seq === 'number' && Number.isSafeInteger(document.seq) && document.seq >= 0 ? document.seq : 0;
  const jobs: FollowedJob[] = [];
  const problems: string[] = [];
  document.jobs.forEach((value: unknown, index: number) => {
    try {
      jobs.push(toFollowedJob(value, `jobs[${index}]`));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  });
  return { jobs, seq, problems };
}

/**
 * Reads the change log line by line. A last line without its newline is a write cut short by a
 * crash: it is dropped without a word (the change it held never completed). Any other line that
 * cannot be read is a problem; the lines around it still count.
 */
export function parseLog(text: string): ParsedLog {
  const lines = text.split('\n');
  // After the last newline: '' when the file ends cleanly, else a torn write.
  lines.pop();
  const changes: StoreChange[] = [];
  const problems: string[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      changes.push(parseChange(JSON.parse(line) as unknown, `log line ${index + 1}`));
    } catch (error) {
      problems.push(error instanceof SyntaxError ? `log line ${index + 1} is not JSON` : error instanceof Error ? error.message : String(error));
    }
  });
  return { changes, problems };
}

function parseChange(value: unknown, where: string): StoreChange {
  if (!isRecord(value) || typeof value.seq !== 'number' || !Number.isSafeInteger(value.seq)) throw new Error(`${where} has no change number`);
  if (typeof value.remove === 'string') return { seq: value.seq, remove: value.remove };
  if (value.put !== undefined) return { seq: value.seq, put: toFollowedJob(value.put, `${where}.put`) };
  throw new Error(`${where} is neither a put nor a remove`);
}
