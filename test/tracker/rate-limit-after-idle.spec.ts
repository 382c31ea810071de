import assert from 'node:assert/strict';
import { OceanError, type ComputeJob } from '../../src/ocean';
import { JobTracker } from '../../src/tracker';
import { MAX_RATE_LIMIT_WAIT_MS } from '../../src/tracker/backoff';
import { job } from './fake-client';
import { recordEvents } from './helpers';
import { VirtualTime } from './virtual-time';

const INTERVAL = 5_000;

type Answer = ComputeJob[] | Error;

/** A backend on virtual time: answers list requests from a script (then the last answer again), recording when each came. */
function scriptedBackend(time: VirtualTime, script: Answer[]) {
  const calls: number[] = [];
  let last: Answer = [];
  return {
    calls,
    /** Answers that are still to come. */
    script,
    listJobs(options: { signal?: AbortSignal } = {}): Promise<ComputeJob[]> {
      calls.push(time.now());
      const answer = script.length > 0 ? script.shift()! : last;
      last = answer;
      if (options.signal?.aborted) return Promise.reject(new OceanError('ABORTED', 'cancelled'));
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    getJob(jobId: string): Promise<ComputeJob> {
      return Promise.reject(new OceanError('NOT_FOUND', `Job ${jobId} is not known`, { jobId }));
    },
  };
}

const rateLimited = (retryAfterMs: number): OceanError => new OceanError('RATE_LIMITED', 'HTTP 429: Rate limit exceeded. Try again in 60 seconds.', { httpStatus: 429, retryAfterMs });
const serverError = (): OceanError => new OceanError('SERVER_ERROR', 'HTTP 500: Internal Server Error', { httpStatus: 500 });

/**
 * Edges of the tracker's poll timing: a wait a server asked for (or a backoff) holds across
 * going idle, a hold and a release, and a follow of another job; polls are never closer than
 * the interval. Virtual time: exact instants, no sleeps.
 */
describe('JobTracker: waits that outlive idle', function () {
  let time: VirtualTime;
  const trackers: JobTracker[] = [];
  const make = (backend: ReturnType<typeof scriptedBackend>, maxBackoffMs = 30_000): JobTracker => {
    // Always the list: these tests are about when polls come, not how one job is asked for.
    const tracker = new JobTracker({ client: backend, intervalMs: INTERVAL, scheduler: time, clock: time.clock, maxBackoffMs, pollByIdUpTo: 0 });
    tracker.on('error', () => undefined);
    trackers.push(tracker);
    return tracker;
  };
  const follow = (tracker: JobTracker, jobId: string): void => tracker.follow({ jobId, startedAt: time.clock() });

  beforeEach(function () {
    time = new VirtualTime();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  it('a rate limit\'s wait is kept when the tracker goes idle and follows again', async function () {
    const backend = scriptedBackend(time, [rateLimited(60_000), [job('b', 40)]]);
    const tracker = make(backend);
    const log = recordEvents(tracker);
    follow(tracker, 'a');
    await time.advance(6_000);
    assert.deepEqual(backend.calls, [5_000]);
    tracker.unfollow('a');
    assert.deepEqual(log, ['error RATE_LIMITED', 'idle']);
    await time.advance(1_000);
    follow(tracker, 'b');
    await time.advance(65_000 - 7_000 - 1);
    assert.deepEqual(backend.calls, [5_000], 'nothing before the minute the server asked for is over');
    await time.advance(1);
    assert.deepEqual(backend.calls, [5_000, 65_000]);
    assert.deepEqual(log, ['error RATE_LIMITED', 'idle', 'change b 40']);
  });

  it('a rate limit\'s wait is kept when the job that hit it ends on its own deadline', async function () {
    const backend = scriptedBackend(time, [rateLimited(60_000), [job('b', 70)]]);
    const tracker = make(backend);
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: time.clock(), timeoutMs: 8_000 });
    await time.advance(9_000);
    assert.deepEqual(log, ['error RATE_LIMITED', 'timeout a', 'idle']);
    follow(tracker, 'b');
    await time.advance(70_000);
    assert.deepEqual(backend.calls, [5_000, 65_000]);
    assert.deepEqual(log.slice(3), ['change b 70', 'done b', 'idle']);
  });

  it('a backoff after a failed poll is kept across idle too', async function () {
    const backend = scriptedBackend(time, [serverError(), [job('b', 40)]]);
    const tracker = make(backend);
    follow(tracker, 'a');
    await time.advance(5_500);
    tracker.unfollow('a');
    follow(tracker, 'b');
    // The failure doubled the interval: 10 s after the poll that failed, not 5 s after this follow.
    await time.advance(15_000 - 5_500 - 1);
    assert.deepEqual(backend.calls, [5_000]);
    await time.advance(1);
    assert.deepEqual(backend.calls, [5_000, 15_000]);
  });

  it('a rate limit\'s wait is kept through hold() and an early release()', async function () {
    const backend = scriptedBackend(time, [rateLimited(60_000), [job('a', 40)]]);
    const tracker = make(backend);
    follow(tracker, 'a');
    await time.advance(6_000);
    tracker.hold();
    await time.advance(1_000);
    tracker.release();
    await time.advance(65_000 - 7_000 - 1);
    assert.deepEqual(backend.calls, [5_000]);
    await time.advance(1);
    assert.deepEqual(backend.calls, [5_000, 65_000]);
  });

  it('a poll due while held comes at once on release', async function () {
    const backend = scriptedBackend(time, [[job('a', 40)], [job('a', 40)]]);
    const tracker = make(backend);
    follow(tracker, 'a');
    await time.advance(5_000);
    tracker.hold();
    await time.advance(20_000);
    assert.deepEqual(backend.calls, [5_000], 'nothing while held');
    tracker.release();
    await time.advance(0);
    assert.deepEqual(backend.calls, [5_000, 25_000]);
  });

  it('a server\'s wait is capped: a rate limit cannot park the tracker for days', async function () {
    const backend = scriptedBackend(time, [rateLimited(10 ** 9), [job('a', 40)]]);
    const tracker = make(backend);
    follow(tracker, 'a');
    await time.advance(5_000 + MAX_RATE_LIMIT_WAIT_MS);
    assert.deepEqual(backend.calls, [5_000, 5_000 + MAX_RATE_LIMIT_WAIT_MS]);
  });

  it('a wait longer than the backoff cap is still honoured', async function () {
    const backend = scriptedBackend(time, [rateLimited(60_000), [job('a', 40)]]);
    const tracker = make(backend, 10_000);
    follow(tracker, 'a');
    await time.advance(65_000);
    assert.deepEqual(backend.calls, [5_000, 65_000]);
  });

  it('following more jobs keeps the poll already planned; polls are never closer than the interval', async function () {
    const backend = scriptedBackend(time, [[job('a', 40), job('b', 40)], [job('a', 70), job('b', 70)], [job('c', 40)]]);
    const tracker = make(backend);
    const log = recordEvents(tracker);
    follow(tracker, 'a');
    await time.advance(4_000);
    follow(tracker, 'b');
    await time.advance(1_000);
    assert.deepEqual(backend.calls, [5_000], 'b joined the poll a was waiting for');
    await time.advance(5_000);
    assert.deepEqual(backend.calls, [5_000, 10_000]);
    assert.equal(log.at(-1), 'idle');
    // Right after going idle, a new follow waits a whole interval from now.
    await time.advance(100);
    follow(tracker, 'c');
    await time.advance(INTERVAL - 1);
    assert.deepEqual(backend.calls, [5_000, 10_000]);
    await time.advance(1);
    assert.deepEqual(backend.calls, [5_000, 10_000, 15_100]);
  });

  it('a success resets the backoff: the next failure waits twice the interval again', async function () {
    const backend = scriptedBackend(time, [serverError(), serverError(), [job('a', 40)], serverError(), [job('a', 40)]]);
    const tracker = make(backend);
    follow(tracker, 'a');
    await time.advance(60_000);
    assert.deepEqual(backend.calls.slice(0, 5), [5_000, 15_000, 35_000, 40_000, 50_000]);
  });
});
