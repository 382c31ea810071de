import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { OceanError } from '../../src/ocean';
import { JobTracker } from '../../src/tracker';
import type { Scheduler } from '../../src/tracker/scheduler';
import { job, serverError } from './fake-client';
import { recordEvents } from './helpers';
import { lookupOfAUnderWay, manualTrackers } from './manual-trackers';
import { settle } from './virtual-time';

const INTERVAL = 5_000;

const notFound = (jobId: string): OceanError => new OceanError('NOT_FOUND', `Job ${jobId} is not known`, { jobId, httpStatus: 404 });

/**
 * What one poll asks and tells: requests by id and lookups, jobs unfollowed or the tracker
 * closed by a listener or a hook while the poll runs, deadlines met during a poll, the timer
 * while a request is under way. Virtual time, requests answered by hand.
 */
describe('JobTracker: inside a poll', function () {
  const on = manualTrackers({ intervalMs: INTERVAL, maxBackoffMs: 60_000 });

  describe('requests by id', function () {
    it('a job a listener unfollows while the poll runs is not asked for', async function () {
      on.client.answer = (what) => job(what.slice(4), 40);
      const tracker = on.make({ pollByIdUpTo: 2 });
      const log = recordEvents(tracker);
      tracker.on('change', (changed) => {
        if (changed.jobId === 'a') tracker.unfollow('b');
      });
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sent, ['get a']);
      assert.deepEqual(log, ['change a 40']);
    });

    it('a job unfollowed while its own request runs is not told when the answer comes', async function () {
      on.client.answer = (what) => (what === 'get a' ? job('a', 40) : undefined);
      const tracker = on.make({ pollByIdUpTo: 2 });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sent, ['get a', 'get b']);
      tracker.unfollow('b');
      on.client.waiting('get b').resolve(job('b', 70));
      await settle();
      assert.deepEqual(log, ['change a 40']);
      assert.deepEqual(tracker.list().map((f) => f.jobId), ['a']);
    });
  });

  describe('the list and its lookups', function () {
    it('a job a listener unfollows while the list is matched is not told', async function () {
      on.client.answer = () => [job('a', 40), job('b', 40)];
      const tracker = on.make({ pollByIdUpTo: 0 });
      const log = recordEvents(tracker);
      tracker.on('change', (changed) => {
        if (changed.jobId === 'a') tracker.unfollow('b');
      });
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      on.follow(tracker, 'c');
      await on.time.advance(INTERVAL);
      assert.deepEqual(log, ['change a 40']);
    });

    it('looks the longest missing job up first, one per poll', async function () {
      on.client.answer = (what) => (what === 'list' ? [] : job(what.slice(4), 40));
      const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      await on.time.advance(2 * INTERVAL);
      // Poll 1: both missed once, a (first followed) is looked up; poll 2: b, missed twice by then.
      assert.deepEqual(on.client.sentAt, ['list@5000', 'get a@5000', 'list@10000', 'get b@10000']);
      assert.deepEqual(log, ['change a 40', 'change b 40']);
    });

    it('a lookup is sent with the job\'s DID and the poll\'s signal', async function () {
      on.client.answer = (what) => (what === 'list' ? [job('b', 40)] : job('a', 40));
      const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      on.follow(tracker, 'a', 'did:op:1');
      on.follow(tracker, 'b');
      await on.time.advance(INTERVAL);
      const lookup = on.client.requests[1]!;
      assert.equal(lookup.what, 'get a');
      assert.equal(lookup.options.did, 'did:op:1');
      assert.ok(lookup.options.signal instanceof AbortSignal);
      assert.equal(lookup.options.signal, on.client.requests[0]!.options.signal, 'the signal of the poll');
    });

    it('a job unfollowed while its lookup runs is not told when the answer comes', async function () {
      const { tracker, log } = await lookupOfAUnderWay(on, INTERVAL);
      tracker.unfollow('a');
      on.client.waiting('get a').resolve(job('a', 70));
      await settle();
      assert.deepEqual(log, ['change b 40']);
    });

    it('a job unfollowed while its lookup runs is not reported when the backend does not know it', async function () {
      on.client.answer = (what) => (what === 'list' ? [job('b', 40)] : undefined);
      const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1, groupOf: () => 'node-1' });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      await on.time.advance(INTERVAL);
      tracker.unfollow('a');
      assert.equal(tracker.countIn('node-1'), 1);
      on.client.waiting('get a').reject(notFound('a'));
      await settle();
      assert.deepEqual(log, ['change b 40']);
      assert.equal(tracker.countIn('node-1'), 1);
    });

    it('a lookup that fails otherwise is reported for its job, which stays followed; the next poll backs off', async function () {
      on.client.answer = (what) => (what === 'list' ? [job('b', 40)] : serverError());
      const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      on.follow(tracker, 'b');
      await on.time.advance(INTERVAL + 2 * INTERVAL);
      assert.deepEqual(on.client.sentAt, ['list@5000', 'get a@5000', 'list@15000', 'get a@15000']);
      assert.deepEqual(log, ['change b 40', 'error SERVER_ERROR a', 'error SERVER_ERROR a']);
      assert.equal(tracker.has('a'), true);
    });

    it('a change listener that closes the tracker: no lookup follows', async function () {
      on.client.answer = (what) => (what === 'list' ? [job('a', 40)] : job('b', 40));
      const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      tracker.on('change', () => void tracker.close());
      on.follow(tracker, 'b');
      on.follow(tracker, 'a');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sent, ['list']);
      assert.deepEqual(log, ['change a 40']);
    });
  });

  describe('the beforePoll hook', function () {
    it('a hook that closes the tracker: no request follows', async function () {
      on.client.answer = () => job('a', 40);
      const tracker: JobTracker = on.make({ beforePoll: async () => void tracker.close() });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sent, []);
      assert.deepEqual(log, []);
    });

    it('a hook that holds the tracker: no request until the release', async function () {
      on.client.answer = () => job('a', 40);
      let hold = true;
      const tracker: JobTracker = on.make({
        beforePoll: async () => {
          if (hold) tracker.hold();
          hold = false;
        },
      });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      await on.time.advance(3 * INTERVAL);
      assert.deepEqual(on.client.sent, []);
      tracker.release();
      await on.time.advance(0);
      assert.deepEqual(on.client.sentAt, ['get a@15000']);
      assert.deepEqual(log, ['change a 40']);
    });

    it('a poll whose hook leaves nothing to follow sends nothing and keeps the backoff', async function () {
      on.client.answer = () => serverError();
      let unfollow = false;
      const tracker: JobTracker = on.make({
        beforePoll: async () => {
          if (unfollow) tracker.unfollow('a');
        },
      });
      const log = recordEvents(tracker);
      on.follow(tracker, 'a');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sentAt, ['get a@5000']);
      unfollow = true;
      await on.time.advance(2 * INTERVAL);
      assert.deepEqual(log, ['error SERVER_ERROR a', 'idle']);
      unfollow = false;
      on.follow(tracker, 'a');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sentAt, ['get a@5000', 'get a@20000']);
      // The second failure in a row: four intervals.
      await on.time.advance(4 * INTERVAL - 1);
      assert.equal(on.client.requests.length, 2);
      await on.time.advance(1);
      assert.deepEqual(on.client.sentAt, ['get a@5000', 'get a@20000', 'get a@40000']);
    });
  });

  describe('the timer', function () {
    it('arms nothing while a request runs and no job has a deadline', async function () {
      const tracker = on.make();
      on.follow(tracker, 'a');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sent, ['get a']);
      assert.deepEqual(on.time.armed(), []);
      tracker.follow({ jobId: 'b', startedAt: on.time.clock(), timeoutMs: 60_000 });
      assert.deepEqual(on.time.armed(), [INTERVAL + 60_000], 'only the deadline is watched while the request runs');
    });

    it('following more jobs keeps one timer', async function () {
      const tracker = on.make();
      on.follow(tracker, 'a');
      await on.time.advance(1_000);
      on.follow(tracker, 'b');
      tracker.follow({ jobId: 'c', startedAt: on.time.clock(), timeoutMs: 60_000 });
      assert.deepEqual(on.time.armed(), [INTERVAL]);
    });

    it('a timer that fires a millisecond early still polls then, once', async function () {
      // Node's timers may fire up to a millisecond before their on.time.
      const early: Scheduler = {
        now: () => on.time.now(),
        setTimer: (callback, ms) => on.time.setTimer(callback, ms > 1 ? ms - 1 : ms),
        clearTimer: (handle) => on.time.clearTimer(handle),
      };
      on.client.answer = () => job('a', 40);
      const tracker = on.make({ scheduler: early });
      on.follow(tracker, 'a');
      await on.time.advance(INTERVAL);
      assert.deepEqual(on.client.sentAt, ['get a@4999']);
    });

    it('a deadline passed during a poll is told as the poll ends', async function () {
      let wall = on.time.clock();
      const tracker = on.make({ clock: () => wall });
      const log = recordEvents(tracker);
      tracker.follow({ jobId: 'a', startedAt: wall, timeoutMs: 60_000 });
      await on.time.advance(INTERVAL);
      // The wall clock jumps past the deadline while the request runs; the timer of the deadline is still ahead.
      wall += 70_000;
      on.client.waiting('get a').resolve(job('a', 40));
      await settle();
      assert.deepEqual(log, ['change a 40', 'timeout a', 'idle']);
      assert.deepEqual(on.time.armed(), []);
    });
  });

  describe('long lists', function () {
    let perfNow: number;
    const realNow = performance.now;

    beforeEach(function () {
      perfNow = 1_000;
      performance.now = () => perfNow;
    });

    afterEach(function () {
      performance.now = realNow;
    });

    /** Follows a, b and c, answers them all, and lets a's change listener work `workMs` (of the stubbed clock). */
    async function pollWith(workMs: number): Promise<string[]> {
      on.client.answer = () => [job('a', 40), job('b', 40), job('c', 40)];
      const tracker = on.make({ pollByIdUpTo: 0 });
      const seen: string[] = [];
      tracker.on('change', (changed) => {
        seen.push(`change ${changed.jobId}`);
        if (changed.jobId !== 'a') return;
        setImmediate(() => seen.push('other work'));
        perfNow += workMs;
      });
      for (const id of ['a', 'b', 'c']) on.follow(tracker, id);
      await on.time.advance(INTERVAL);
      return seen;
    }

    it('lets other work run once matching has taken more than 10 ms', async function () {
      assert.deepEqual(await pollWith(11), ['change a', 'other work', 'change b', 'change c']);
    });

    it('keeps matching while it has taken 10 ms or less', async function () {
      assert.deepEqual(await pollWith(10), ['change a', 'change b', 'change c', 'other work']);
    });
  });
});
