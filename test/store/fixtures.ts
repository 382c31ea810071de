import { randomUUID } from 'node:crypto';
import type { LeasedTracker } from '../../src/store/redis/lease-keeper';
import type { FollowedJob } from '../../src/tracker';
import { RedisConnection, type RedisCommands, type RedisConnectionOptions } from '../../src/store/redis/connection';
import type { RedisServer } from '../helpers/redis-server';

/** A job as compute-start's follow saves it: Ocean Node's id, the node, the message's own fields. */
export function followedJob(index = 0): FollowedJob {
  const jobId = `0x${'5e'.repeat(32)}-${randomUUID()}`;
  return {
    jobId,
    did: `did:op:${'ab'.repeat(32)}`,
    startedAt: 1_700_000_000_000 + index,
    timeoutMs: 600_000,
    context: { nodeId: '9c1f2e3d4b5a6978', msg: { _msgid: 'e1d2c3b4a5968778', topic: `sensor-${index}`, jobId, correlation: { batch: 'night-run', index } } },
  };
}

/** Passes commands on to Redis and keeps each one sent, for tests that count what reached it. */
export function recordingCommands(inner: RedisCommands): RedisCommands & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    command: (args) => {
      sent.push(args);
      return inner.command(args);
    },
  };
}

export type FakeTracker = LeasedTracker & { closed: boolean; jobs: Map<string, FollowedJob> };

/** What a lease keeper needs of a job tracker: the jobs it follows, in a map a test can read. */
export function fakeTracker(): FakeTracker {
  const jobs = new Map<string, FollowedJob>();
  return {
    jobs,
    closed: false,
    list: () => [...jobs.values()],
    has: (jobId) => jobs.has(jobId),
    follow: (job) => void jobs.set(job.jobId, job),
    unfollow: (jobId) => jobs.delete(jobId),
  };
}

/** Opens connections to the block's redis-server (another URL when given), each closed after its test. */
export function connectionsTo(redis: () => RedisServer): (options?: Partial<RedisConnectionOptions>) => RedisConnection {
  const opened: RedisConnection[] = [];
  afterEach(async function () {
    await Promise.all(opened.splice(0).map((connection) => connection.close()));
  });
  return (options = {}) => {
    const connection = new RedisConnection({ url: redis().url, ...options });
    opened.push(connection);
    return connection;
  };
}
