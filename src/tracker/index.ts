export { JobTracker } from './job-tracker';
export { FileTrackerStore } from './file-store';
export { TrackerStoreError, type TrackerStoreErrorCode } from './store-error';
export { DEFAULT_INTERVAL_MS, DEFAULT_MAX_BACKOFF_MS, DEFAULT_MISSING_POLLS_BEFORE_LOOKUP } from './options';
export type { FollowedJob, JobTrackerEvents, JobTrackerOptions, TrackerClient, TrackerStore } from './types';
