import assert from 'node:assert/strict';
import { job, serverError } from './fake-client';
import { recordEvents } from './helpers';
import { lookupOfAUnderWay, manualTrackers } from './manual-trackers';
import { settle } from './virtual-time';

const INTERVAL = 5_000;

/**
 * hold() and release(), and requests cancelled under way: while Node-RED redeploys, nothing is
 * polled, timed out or reported, and a cancelled request is no failure. Virtual time, requests
 * answered by hand.
 */
describe('JobTracker: holds and cancelled requests', function () {
  const on = manualTrackers({ intervalMs: INTERVAL, maxBackoffMs: 60_000 });

  it('hold() disarms the timer, and release() arms the poll planned before the hold', async function () {
    on.client.answer = (what) => job(what.slice(4), 40);
    const tracker = on.make();
    on.follow(tracker, 'a');
    await on.time.advance(1_000);
    tracker.hold();
    assert.deepEqual(on.time.armed(), []);
    await on.time.advance(1_000);
    tracker.release();
    assert.deepEqual(on.time.armed(), [INTERVAL], 'the poll planned at follow, not one at the release');
    await on.time.advance(INTERVAL);
    assert.deepEqual(on.client.sentAt, ['get a@5000']);
  });

  it('a follow while held arms no timer', async function () {
    const tracker = on.make();
    on.follow(tracker, 'a');
    tracker.hold();
    on.follow(tracker, 'b');
    tracker.follow({ jobId: 'c', startedAt: on.time.clock(), timeoutMs: 1_000 });
    assert.deepEqual(on.time.armed(), []);
    await on.time.advance(10 * INTERVAL);
    assert.deepEqual(on.client.sent, []);
    assert.equal(tracker.size, 3, 'nothing timed out while held');
  });

  it('release() after close() arms nothing', async function () {
    const tracker = on.make();
    on.follow(tracker, 'a');
    tracker.hold();
    await tracker.close();
    tracker.release();
    assert.deepEqual(on.time.armed(), []);
  });

  it('release() with nothing left to follow arms nothing: no poll, no beforePoll', async function () {
    let hooks = 0;
    const tracker = on.make({ beforePoll: async () => void hooks++ });
    on.follow(tracker, 'a');
    await on.time.advance(1_000);
    tracker.hold();
    tracker.unfollow('a');
    tracker.release();
    assert.deepEqual(on.time.armed(), []);
    await on.time.advance(10 * INTERVAL);
    assert.equal(hooks, 0);
    assert.deepEqual(on.client.sent, []);
  });

  it('a list answered after hold() by a client that ignores the abort is dropped, and does not reset the backoff', async function () {
    on.client.honoursAbort = false;
    const tracker = on.make({ pollByIdUpTo: 0 });
    const log = recordEvents(tracker);
    on.follow(tracker, 'a');
    on.follow(tracker, 'b');
    await on.time.advance(INTERVAL);
    on.client.waiting('list').reject(serverError());
    await on.time.advance(2 * INTERVAL);
    assert.deepEqual(on.client.sentAt, ['list@5000', 'list@15000']);
    tracker.hold();
    on.client.waiting('list').resolve([job('a', 40), job('b', 40)]);
    await settle();
    tracker.release();
    await on.time.advance(INTERVAL);
    assert.deepEqual(on.client.sentAt, ['list@5000', 'list@15000', 'list@20000']);
    on.client.waiting('list').reject(serverError());
    // The second failure in a row: four intervals, as if the held poll had not been.
    await on.time.advance(4 * INTERVAL - 1);
    assert.equal(on.client.requests.length, 3);
    await on.time.advance(1);
    assert.deepEqual(on.client.sentAt.at(-1), 'list@40000');
    assert.deepEqual(log, ['error SERVER_ERROR', 'error SERVER_ERROR']);
  });

  it('a change listener that holds the tracker: the rest of the list and the lookup wait for the release', async function () {
    on.client.answer = (what) => (what === 'list' ? [job('a', 40), job('b', 40)] : undefined);
    const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
    const log = recordEvents(tracker);
    tracker.on('change', (changed) => {
      if (changed.jobId === 'a') tracker.hold();
    });
    // c is never listed: it is due for a lookup after its first miss.
    on.follow(tracker, 'c');
    on.follow(tracker, 'a');
    on.follow(tracker, 'b');
    await on.time.advance(INTERVAL);
    assert.deepEqual(log, ['change a 40']);
    assert.deepEqual(on.client.sent, ['list']);
    await on.time.advance(10 * INTERVAL);
    assert.deepEqual(on.client.sent, ['list'], 'nothing while held');
    tracker.release();
    await on.time.advance(0);
    assert.deepEqual(on.client.sent, ['list', 'list', 'get c']);
    assert.deepEqual(log, ['change a 40', 'change b 40']);
  });

  it('unfollowing the job whose request by id runs cancels that request quietly', async function () {
    const tracker = on.make();
    const log = recordEvents(tracker);
    on.follow(tracker, 'a');
    await on.time.advance(INTERVAL);
    assert.deepEqual(on.client.sent, ['get a']);
    tracker.unfollow('a');
    await settle();
    assert.equal(on.client.requests[0]!.open, false, 'aborted');
    assert.deepEqual(log, ['idle']);
  });

  it('hold() cancels a request by id quietly; after release() the job is asked for again when due', async function () {
    const tracker = on.make();
    const log = recordEvents(tracker);
    on.follow(tracker, 'a');
    await on.time.advance(INTERVAL);
    tracker.hold();
    await on.time.advance(INTERVAL);
    assert.deepEqual(log, []);
    on.client.answer = () => job('a', 40);
    tracker.release();
    await on.time.advance(0);
    assert.deepEqual(on.client.sentAt, ['get a@5000', 'get a@10000']);
    assert.deepEqual(log, ['change a 40']);
  });

  it('hold() cancels a lookup quietly', async function () {
    const { tracker, log } = await lookupOfAUnderWay(on, INTERVAL);
    assert.deepEqual(on.client.sent, ['list', 'get a']);
    tracker.hold();
    await settle();
    assert.equal(on.client.requests[1]!.open, false, 'aborted');
    assert.deepEqual(log, ['change b 40']);
    assert.equal(tracker.has('a'), true);
  });

  it('a deadline that passes during a poll cancelled by hold() is told after release(), not while held', async function () {
    let wall = on.time.clock();
    const tracker = on.make({ clock: () => wall });
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: wall, timeoutMs: 60_000 });
    await on.time.advance(INTERVAL);
    assert.deepEqual(on.client.sent, ['get a']);
    // The wall clock jumps past the deadline (the timer of the deadline is still ahead), then the hold.
    wall += 70_000;
    tracker.hold();
    await settle();
    assert.deepEqual(log, []);
    assert.equal(tracker.has('a'), true);
    tracker.release();
    await on.time.advance(0);
    assert.deepEqual(log, ['timeout a', 'idle']);
    assert.deepEqual(on.client.sent, ['get a']);
  });

  it('a request by id answered after hold() by a client that ignores the abort is not told while held', async function () {
    on.client.honoursAbort = false;
    const tracker = on.make();
    const log = recordEvents(tracker);
    on.follow(tracker, 'a');
    await on.time.advance(INTERVAL);
    tracker.hold();
    on.client.waiting('get a').resolve(job('a', 70));
    await settle();
    assert.deepEqual(log, []);
    assert.equal(tracker.has('a'), true);
    on.client.answer = () => job('a', 70);
    tracker.release();
    await on.time.advance(INTERVAL);
    assert.deepEqual(on.client.sentAt, ['get a@5000', 'get a@10000']);
    assert.deepEqual(log, ['change a 70', 'done a', 'idle']);
  });

  for (const [mode, options, sent, told] of [
    ['by id', { pollByIdUpTo: 2 }, ['get a'], []],
    ['lookup', { pollByIdUpTo: 0, missingPollsBeforeLookup: 1 }, ['list', 'get a'], ['change b 40']],
  ] as const) {
    it(`an answer that comes after close() (the client ignores the abort) changes nothing: the job stays followed and stored (${mode})`, async function () {
      on.client.honoursAbort = false;
      on.client.answer = (what) => (what === 'list' ? [job('b', 40)] : undefined);
      const removes: string[] = [];
      const store = { load: async () => [], put: async () => undefined, remove: async (jobId: string) => void removes.push(jobId) };
      const tracker = on.make({ ...options, store });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sent, sent);
      const closing = tracker.close();
      on.client.waiting('get a').resolve(job('a', 70));
      await settle();
      await closing;
      assert.deepEqual(on.client.sent, sent, 'no request after close()');
      assert.deepEqual(tracker.list().map((f) => f.jobId), ['a', 'b']);
      assert.deepEqual(removes, [], 'a restart resumes it and tells its end');
      assert.deepEqual(log, told);
    });
  }

  it('a lookup answered after hold() by a client that ignores the abort is not told while held', async function () {
    on.client.honoursAbort = false;
    const { tracker, log } = await lookupOfAUnderWay(on, INTERVAL);
    assert.deepEqual(on.client.sent, ['list', 'get a']);
    tracker.hold();
    on.client.waiting('get a').resolve(job('a', 70));
    await settle();
    assert.deepEqual(log, ['change b 40'], 'no change, no done while held');
    assert.equal(tracker.has('a'), true);
    on.client.answer = (what) => (what === 'list' ? [job('b', 40)] : job('a', 70));
    tracker.release();
    await on.time.advance(INTERVAL);
    assert.deepEqual(on.client.sentAt, ['list@5000', 'get a@5000', 'list@10000', 'get a@10000']);
    assert.deepEqual(log, ['change b 40', 'change a 70', 'done a'], 'told once released, by the next poll');
  });
});
