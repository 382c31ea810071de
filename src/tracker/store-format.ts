import { isRecord } from '../ocean/server-message';
import { toFollowedJob } from './followed-job';
import type { FollowedJob } from './types';

/** Bumped when the file's shape changes, so that an older reader can refuse it. */
export const STORE_VERSION = 1;

export interface ParsedStore {
  jobs: FollowedJob[];
  /** What was wrong, in words; empty when the whole file was fine. */
  problems: string[];
}

export function formatStore(jobs: FollowedJob[]): string {
  return `${JSON.stringify({ version: STORE_VERSION, jobs }, null, 2)}\n`;
}

/** Reads `{ "version": 1, "jobs": [...] }`, keeping every job that is valid on its own. */
export function parseStore(text: string): ParsedStore {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { jobs: [], problems: ['is not JSON'] };
  }
  if (!isRecord(document) || !Array.isArray(document.jobs)) return { jobs: [], problems: ['is not a list of followed jobs'] };
  if (document.version !== STORE_VERSION) return { jobs: [], problems: [`has version ${JSON.stringify(document.version)}, not ${STORE_VERSION}`] };
  const jobs: FollowedJob[] = [];
  const problems: string[] = [];
  document.jobs.forEach((value: unknown, index: number) => {
    try {
      jobs.push(toFollowedJob(value, `jobs[${index}]`));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  });
  return { jobs, problems };
}
