import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { FollowedJob, TrackerStore } from '../../src/tracker';
import { job, serverError } from './fake-client';
import { recordEvents } from './helpers';
import { manualTrackers } from './manual-trackers';

const INTERVAL = 5_000;

/** A store in memory that records what is written; `load` waits for `gate` when one is given. */
function memoryStore(jobs: unknown[], gate?: Promise<void>) {
  const puts: string[] = [];
  const removes: string[] = [];
  const store: TrackerStore = {
    load: async () => {
      await gate;
      return jobs as FollowedJob[];
    },
    put: async (followed) => void puts.push(followed.jobId),
    remove: async (jobId) => void removes.push(jobId),
  };
  return { store, puts, removes };
}

/**
 * What a tracker does as it starts, goes idle and closes, and how it reports: on virtual time,
 * so that timers still armed (what would keep Node-RED's process awake) can be counted exactly.
 */
describe('JobTracker: start, idle and close', function () {
  const on = manualTrackers({ intervalMs: INTERVAL });

  it('resume() reports each stored job it cannot follow, by its place in the store, and follows the rest', async function () {
    const { store, puts } = memoryStore([{ jobId: 'a', startedAt: 1 }, { jobId: 7, startedAt: 1 }, null]);
    const tracker = on.make({ store });
    const log = recordEvents(tracker);
    const messages: string[] = [];
    tracker.on('error', (error) => messages.push(error.message));
    assert.deepEqual(await tracker.resume(), [{ jobId: 'a', startedAt: 1 }]);
    assert.deepEqual(messages, [
      'stored jobs[1].jobId: expected the id compute-start returned, got 7',
      'stored jobs[2]: expected an object with jobId and startedAt, got null',
    ]);
    assert.deepEqual(log, ['error INVALID_INPUT', 'error INVALID_INPUT']);
    assert.deepEqual(tracker.list(), [{ jobId: 'a', startedAt: 1 }]);
    assert.deepEqual(puts, [], 'a store that loaded is not written again');
  });

  it('close() while the store loads: resume() answers nothing, follows nothing and arms nothing', async function () {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { store } = memoryStore([{ jobId: 'a', startedAt: on.time.clock() }], gate);
    const tracker = on.make({ store });
    const resumed = tracker.resume();
    await tracker.close();
    release();
    assert.deepEqual(await resumed, []);
    assert.equal(tracker.size, 0);
    assert.deepEqual(on.time.armed(), []);
  });

  it('on.follow() after close() says which job it refused, even when it is given nothing', async function () {
    const tracker = on.make();
    await tracker.close();
    assert.throws(() => tracker.follow({ jobId: 'b', startedAt: 1 }), { message: 'Cannot follow job b: the job tracker is closed' });
    assert.throws(() => tracker.follow(undefined as unknown as FollowedJob), { message: 'Cannot follow job undefined: the job tracker is closed' });
  });

  it('close() answers the same promise however often it is called', async function () {
    const { store } = memoryStore([]);
    const tracker = on.make({ store });
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    const closing = tracker.close();
    assert.equal(tracker.close(), closing);
    await closing;
    assert.equal(tracker.close(), closing);
  });

  it('close() disarms the timer of the next poll', async function () {
    const tracker = on.make();
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    assert.deepEqual(on.time.armed(), [INTERVAL]);
    await tracker.close();
    assert.deepEqual(on.time.armed(), []);
  });

  it('resume() of a store with nothing to follow arms no timer, so no poll and no beforePoll come', async function () {
    let hooks = 0;
    const { store } = memoryStore([{ jobId: '', startedAt: 1 }]);
    const tracker = on.make({ store, pollByIdUpTo: 0, beforePoll: async () => void hooks++ });
    tracker.on('error', () => undefined);
    assert.deepEqual(await tracker.resume(), []);
    assert.deepEqual(on.time.armed(), []);
    await on.time.advance(10 * INTERVAL);
    assert.equal(hooks, 0);
    assert.deepEqual(on.client.sent, []);
  });

  it('unfollowing the last job before its first poll disarms the timer: no poll comes', async function () {
    let hooks = 0;
    const tracker = on.make({ beforePoll: async () => void hooks++ });
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    await on.time.advance(1_000);
    assert.equal(tracker.unfollow('a'), true);
    assert.deepEqual(on.time.armed(), []);
    await on.time.advance(10 * INTERVAL);
    assert.equal(hooks, 0);
    assert.deepEqual(on.client.sent, []);
    assert.deepEqual(log, ['idle']);
  });

  it('a timeout listener that unfollows the last other job: idle is told once', async function () {
    const tracker = on.make();
    const log = recordEvents(tracker);
    tracker.on('timeout', () => tracker.unfollow('b'));
    tracker.follow({ jobId: 'a', startedAt: on.time.clock(), timeoutMs: 1_000 });
    tracker.follow({ jobId: 'b', startedAt: on.time.clock() });
    await on.time.advance(10 * INTERVAL);
    assert.deepEqual(log, ['timeout a', 'idle']);
    assert.deepEqual(on.client.sent, []);
    assert.deepEqual(on.time.armed(), []);
  });

  it('a timeout listener that closes the tracker: no timer is left for the jobs still followed', async function () {
    const tracker = on.make();
    const log = recordEvents(tracker);
    tracker.on('timeout', () => void tracker.close());
    tracker.follow({ jobId: 'a', startedAt: on.time.clock(), timeoutMs: 1_000 });
    tracker.follow({ jobId: 'b', startedAt: on.time.clock() });
    await on.time.advance(1_000);
    assert.deepEqual(log, ['timeout a']);
    assert.deepEqual(on.time.armed(), []);
    await on.time.advance(10 * INTERVAL);
    assert.deepEqual(on.client.sent, []);
    assert.deepEqual(tracker.list().map((f) => f.jobId), ['b']);
  });

  it('a timeout listener that closes the tracker stops there: the other job due stays followed', async function () {
    let wall = on.time.clock();
    const { store, removes } = memoryStore([]);
    const tracker = on.make({ store, clock: () => wall });
    const log = recordEvents(tracker);
    tracker.on('timeout', () => void tracker.close());
    tracker.follow({ jobId: 'a', startedAt: wall, timeoutMs: 1_000 });
    tracker.follow({ jobId: 'b', startedAt: wall, timeoutMs: 2_000 });
    tracker.follow({ jobId: 'c', startedAt: wall });
    // The wall clock jumps past both deadlines before the timer of the first one fires.
    wall += 3_000;
    await on.time.advance(1_000);
    await tracker.close();
    assert.deepEqual(log, ['timeout a']);
    assert.deepEqual(tracker.list().map((f) => f.jobId), ['b', 'c'], 'closing keeps what is still followed');
    assert.deepEqual(removes, ['a']);
    assert.deepEqual(on.time.armed(), []);
  });

  it('a job followed again by an earlier timeout\'s listener keeps its new deadline', async function () {
    let wall = on.time.clock();
    const tracker = on.make({ clock: () => wall });
    const log = recordEvents(tracker);
    const start = wall;
    tracker.on('timeout', (followed) => {
      if (followed.jobId === 'a') tracker.follow({ jobId: 'b', startedAt: start, timeoutMs: 60_000 });
    });
    tracker.follow({ jobId: 'a', startedAt: start, timeoutMs: 1_000 });
    tracker.follow({ jobId: 'b', startedAt: start, timeoutMs: 2_000 });
    wall += 3_000;
    await on.time.advance(1_000);
    assert.deepEqual(log, ['timeout a']);
    assert.deepEqual(tracker.list(), [{ jobId: 'b', startedAt: start, timeoutMs: 60_000 }]);
  });

  it('a change listener that closes the tracker: the done of that job is not told', async function () {
    on.client.answer = () => job('a', 70);
    const tracker = on.make();
    const log = recordEvents(tracker);
    tracker.on('change', () => void tracker.close());
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    await on.time.advance(INTERVAL);
    assert.deepEqual(log, ['change a 70']);
    assert.deepEqual(on.client.sent, ['get a']);
  });

  it('without an error listener a failure is not emitted at all, not even to errorMonitor; polling goes on', async function () {
    on.client.answer = () => serverError();
    const tracker = on.make();
    const seen: string[] = [];
    // The typed events have no symbol keys: errorMonitor is reached through the plain EventEmitter.
    (tracker as EventEmitter).on(EventEmitter.errorMonitor, (error: Error) => seen.push(error.message));
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    await on.time.advance(INTERVAL + 2 * INTERVAL);
    assert.deepEqual(seen, []);
    assert.deepEqual(on.client.sentAt, ['get a@5000', 'get a@15000']);
  });

  it('an error listener that throws is not handed its own error', async function () {
    on.client.answer = () => serverError();
    const tracker = on.make();
    const seen: string[] = [];
    tracker.on('error', (error) => {
      seen.push(error.message);
      if (seen.length === 1) throw new Error('the error listener failed');
    });
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    await on.time.advance(INTERVAL);
    assert.deepEqual(seen, ['HTTP 500']);
  });

  it('a client whose list is not a list: the TypeError is reported, the poll backs off, the job stays followed', async function () {
    const tracker = on.make({ pollByIdUpTo: 0 });
    const log = recordEvents(tracker);
    const errors: Error[] = [];
    tracker.on('error', (error) => errors.push(error));
    tracker.follow({ jobId: 'a', startedAt: on.time.clock() });
    tracker.follow({ jobId: 'b', startedAt: on.time.clock() });
    await on.time.advance(INTERVAL);
    on.client.waiting('list').resolve(undefined as unknown as []);
    await on.time.advance(3 * INTERVAL);
    assert.deepEqual(log, ['error TypeError']);
    assert.ok(errors[0] instanceof TypeError);
    assert.deepEqual(on.client.sentAt, ['list@5000', 'list@15000'], 'the next poll two intervals later');
    assert.equal(tracker.size, 2);
  });
});
