import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'node-red';
import { FileSpendingStore, type SpendingStore } from '../../ocean';
import { invalidConfig } from '../../ocean/errors';
import { ContextSpendingStore } from '../../store/context-spending-store';
import { ContextTrackerStore } from '../../store/context-tracker-store';
import { jobKeys } from '../../store/job-keys';
import { RedisConnection } from '../../store/redis/connection';
import { LeaseKeeper } from '../../store/redis/lease-keeper';
import { loadRedis } from '../../store/redis/load-redis';
import { RedisSpendingStore } from '../../store/redis/spending-store';
import { RedisTrackerStore } from '../../store/redis/tracker-store';
import { FileTrackerStore, type FollowedJob, type JobTracker, type TrackerStore } from '../../tracker';
import { globalContextValues } from './context-values';

export const JOB_STORE_KINDS = ['file', 'context', 'redis'] as const;
export type JobStoreKind = (typeof JOB_STORE_KINDS)[number];

/** A lease lasts this long unless renewed: an instance that dies hands its jobs over after about this. */
export const DEFAULT_LEASE_MS = 30_000;

export interface JobStoreSettings {
  /** "file" (default), "context" or "redis". */
  jobStore?: unknown;
  /** The context store's name (settings.js contextStorage); blank: the default one. */
  contextStore?: unknown;
  /** This instance's name in Redis leases; blank: the host name. */
  owner?: unknown;
}

export interface JobStoreSetup {
  node: Node;
  settings: JobStoreSettings;
  /** The Redis URL, from the credentials. */
  redisUrl?: string;
  /** settings.js: `contextStorage`, `oceanC2dJobLeaseMs`. */
  runtime: { contextStorage?: unknown; oceanC2dJobLeaseMs?: unknown };
  /** The user directory's folder for the file store. */
  folder: string;
  /** The connection's id, as it appears in file and key names. */
  connectionId: string;
  events: {
    warn(message: string): void;
    adopted(jobs: FollowedJob[]): void;
    lost(jobIds: string[]): void;
  };
}

/** Where a connection keeps its followed jobs and its budget counters. */
export interface JobStores {
  kind: JobStoreKind;
  tracker: TrackerStore;
  spending: SpendingStore;
  /** Once the tracker has resumed: Redis leases are renewed and orphans adopted from then on. */
  start(tracker: JobTracker): void;
  /** Before each poll of the tracker (Redis: leases renewed, jobs another instance took over unfollowed). */
  beforePoll?(): Promise<void>;
  /** Jobs other instances follow (Redis): they are not lost. */
  sharedJobIds?(): Promise<Set<string>>;
  /** Before the tracker closes: stops the lease timers. */
  stop(): Promise<void>;
  /** After the tracker closed; `removed`: the connection was deleted, its jobs are forgotten. */
  close(removed: boolean, followed: FollowedJob[]): Promise<void>;
}

export function jobStoreKind(value: unknown): JobStoreKind {
  const text = String(value ?? '').trim() || 'file';
  const kind = JOB_STORE_KINDS.find((k) => k === text);
  if (!kind) throw invalidConfig('jobStore', '"file", "context" or "redis"', value);
  return kind;
}

export function createJobStores(setup: JobStoreSetup): JobStores {
  const kind = jobStoreKind(setup.settings.jobStore);
  if (kind === 'context') return contextStores(setup);
  if (kind === 'redis') return redisStores(setup);
  return fileStores(setup);
}

function fileStores({ folder, connectionId }: JobStoreSetup): JobStores {
  const name = connectionId.replace(/[^\w-]/g, '_');
  const tracker = new FileTrackerStore(join(folder, `jobs-${name}.json`));
  // What paid jobs committed, kept beside the followed jobs: a restart or redeploy does not reset the budgets.
  const spendingPath = join(folder, `spending-${name}.json`);
  return {
    kind: 'file',
    tracker,
    spending: new FileSpendingStore(spendingPath),
    start: () => undefined,
    stop: async () => undefined,
    close: async (removed) => {
      if (removed) await Promise.all([tracker.removeFiles(), rm(spendingPath, { force: true })]);
    },
  };
}

function contextStores({ node, settings, runtime, connectionId }: JobStoreSetup): JobStores {
  const name = String(settings.contextStore ?? '').trim() || undefined;
  const configured = runtime.contextStorage && typeof runtime.contextStorage === 'object' ? Object.keys(runtime.contextStorage) : [];
  if (configured.length === 0) throw invalidConfig('contextStore', 'a context store set up in settings.js contextStorage (none is: the memory-only default does not survive a restart)', name);
  if (name !== undefined && !configured.includes(name)) throw invalidConfig('contextStore', `one of the stores in settings.js contextStorage (${configured.join(', ')})`, name);
  const where = `context store "${name ?? 'default'}"`;
  const values = globalContextValues(node, name);
  const keys = jobKeys(connectionId);
  const tracker = new ContextTrackerStore(values, keys, where);
  return {
    kind: 'context',
    tracker,
    spending: new ContextSpendingStore(values, keys, where),
    start: () => undefined,
    stop: async () => undefined,
    close: async (removed) => {
      if (removed) await tracker.removeAll();
    },
  };
}

function redisStores({ settings, redisUrl, runtime, connectionId, events }: JobStoreSetup): JobStores {
  // Loaded when the connection starts, so a missing `redis` package is a deploy error naming the setting.
  const connection = new RedisConnection({ url: redisUrl ?? '', module: loadRedis(), onError: (error) => events.warn(error.message) });
  const owner = String(settings.owner ?? '').trim() || hostname();
  const leaseMs = runtime.oceanC2dJobLeaseMs === undefined ? DEFAULT_LEASE_MS : Number(runtime.oceanC2dJobLeaseMs);
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 100) throw invalidConfig('oceanC2dJobLeaseMs (settings.js)', 'a whole number of ms of 100 or more', runtime.oceanC2dJobLeaseMs);
  const keys = jobKeys(connectionId);
  const tracker = new RedisTrackerStore({ redis: connection, keys, owner, leaseMs });
  let keeper: LeaseKeeper | undefined;
  let stopped = false;
  return {
    kind: 'redis',
    tracker,
    spending: new RedisSpendingStore({ redis: connection, keys }),
    start: (jobTracker) => {
      // The connection may close before its tracker has resumed.
      if (stopped || jobTracker.closed) return;
      keeper ??= new LeaseKeeper({ store: tracker, tracker: jobTracker, onError: (error) => events.warn(error.message), onAdopt: events.adopted, onLost: events.lost });
      keeper.start();
    },
    beforePoll: async () => keeper?.renewNow(),
    sharedJobIds: () => tracker.jobIds(),
    stop: async () => {
      stopped = true;
      await keeper?.close();
    },
    close: async (removed, followed) => {
      try {
        // Only this instance's own jobs: the others may still follow theirs.
        if (removed) for (const job of followed) await tracker.remove(job.jobId);
      } finally {
        await connection.close();
      }
    },
  };
}
