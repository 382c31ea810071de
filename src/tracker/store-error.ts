import type { FollowedJob } from './types';

export type TrackerStoreErrorCode = 'STORE_UNREADABLE' | 'STORE_CORRUPT' | 'STORE_WRITE_FAILED';

/** A store that could not be read or written. `recovered` holds the jobs that could still be read. */
export class TrackerStoreError extends Error {
  readonly code: TrackerStoreErrorCode;
  readonly path: string;
  readonly recovered: FollowedJob[];

  constructor(code: TrackerStoreErrorCode, message: string, path: string, recovered: FollowedJob[] = []) {
    super(message);
    this.name = 'TrackerStoreError';
    this.code = code;
    this.path = path;
    this.recovered = recovered;
  }
}
