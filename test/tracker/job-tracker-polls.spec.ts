import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { OceanError } from '../../src/ocean';
import { JobTracker, type JobTrackerOptions } from '../../src/tracker';
import type { Scheduler } from '../../src/tracker/scheduler';
import { ManualClient, job, serverError } from './fake-client';
import { recordEvents } from './helpers';
import { VirtualTime, settle } from './virtual-time';

const INTERVAL = 5_000;

const notFound = (jobId: string): OceanError => new OceanError('NOT_FOUND', `Job ${jobId} is not known`, { jobId, httpStatus: 404 });

/**
 * What one poll asks and tells: requests by id and lookups, jobs unfollowed or the tracker
 * closed by a listener or a hook while the poll runs, deadlines met during a poll, the timer
 * while a request is under way. Virtual time, requests answered by hand.
 */
describe('JobTracker: inside a poll', function () {
  let time: VirtualTime;
  let client: ManualClient;
  const trackers: JobTracker[] = [];
  const make = (options: Partial<JobTrackerOptions> = {}): JobTracker => {
    const tracker = new JobTracker({ client, intervalMs: INTERVAL, scheduler: time, clock: time.clock, maxBackoffMs: 60_000, ...options });
    trackers.push(tracker);
    return tracker;
  };
  const follow = (tracker: JobTracker, jobId: string, did?: string): void => tracker.follow({ jobId, startedAt: time.clock(), ...(did ? { did } : {}) });

  beforeEach(function () {
    time = new VirtualTime();
    client = new ManualClient(() => time.now());
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  describe('requests by id', function () {
    it('a job a listener unfollows while the poll runs is not asked for', async function () {
      client.answer = (what) => job(what.slice(4), 40);
      const tracker = make({ pollByIdUpTo: 2 });
      const log = recordEvents(tracker);
      tracker.on('change', (changed) => {
        if (changed.jobId === 'a') tracker.unfollow('b');
      });
      follow(tracker, 'a');
      follow(tracker, 'b');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sent, ['get a']);
      assert.deepEqual(log, ['change a 40']);
    });

    it('a job unfollowed while its own request runs is not told when the answer comes', async function () {
      client.answer = (what) => (what === 'get a' ? job('a', 40) : undefined);
      const tracker = make({ pollByIdUpTo: 2 });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      follow(tracker, 'b');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sent, ['get a', 'get b']);
      tracker.unfollow('b');
      client.waiting('get b').resolve(job('b', 70));
      await settle();
      assert.deepEqual(log, ['change a 40']);
      assert.deepEqual(tracker.list().map((f) => f.jobId), ['a']);
    });
  });

  describe('the list and its lookups', function () {
    it('a job a listener unfollows while the list is matched is not told', async function () {
      client.answer = () => [job('a', 40), job('b', 40)];
      const tracker = make({ pollByIdUpTo: 0 });
      const log = recordEvents(tracker);
      tracker.on('change', (changed) => {
        if (changed.jobId === 'a') tracker.unfollow('b');
      });
      follow(tracker, 'a');
      follow(tracker, 'b');
      follow(tracker, 'c');
      await time.advance(INTERVAL);
      assert.deepEqual(log, ['change a 40']);
    });

    it('looks the longest missing job up first, one per poll', async function () {
      client.answer = (what) => (what === 'list' ? [] : job(what.slice(4), 40));
      const tracker = make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      follow(tracker, 'b');
      await time.advance(2 * INTERVAL);
      // Poll 1: both missed once, a (first followed) is looked up; poll 2: b, missed twice by then.
      assert.deepEqual(client.sentAt, ['list@5000', 'get a@5000', 'list@10000', 'get b@10000']);
      assert.deepEqual(log, ['change a 40', 'change b 40']);
    });

    it('a lookup is sent with the job\'s DID and the poll\'s signal', async function () {
      client.answer = (what) => (what === 'list' ? [job('b', 40)] : job('a', 40));
      const tracker = make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      follow(tracker, 'a', 'did:op:1');
      follow(tracker, 'b');
      await time.advance(INTERVAL);
      const lookup = client.requests[1]!;
      assert.equal(lookup.what, 'get a');
      assert.equal(lookup.options.did, 'did:op:1');
      assert.ok(lookup.options.signal instanceof AbortSignal);
      assert.equal(lookup.options.signal, client.requests[0]!.options.signal, 'the signal of the poll');
    });

    it('a job unfollowed while its lookup runs is not told when the answer comes', async function () {
      client.answer = (what) => (what === 'list' ? [job('b', 40)] : undefined);
      const tracker = make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      follow(tracker, 'b');
      await time.advance(INTERVAL);
      tracker.unfollow('a');
      client.waiting('get a').resolve(job('a', 70));
      await settle();
      assert.deepEqual(log, ['change b 40']);
    });

    it('a job unfollowed while its lookup runs is not reported when the backend does not know it', async function () {
      client.answer = (what) => (what === 'list' ? [job('b', 40)] : undefined);
      const tracker = make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1, groupOf: () => 'node-1' });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      follow(tracker, 'b');
      await time.advance(INTERVAL);
      tracker.unfollow('a');
      assert.equal(tracker.countIn('node-1'), 1);
      client.waiting('get a').reject(notFound('a'));
      await settle();
      assert.deepEqual(log, ['change b 40']);
      assert.equal(tracker.countIn('node-1'), 1);
    });

    it('a lookup that fails otherwise is reported for its job, which stays followed; the next poll backs off', async function () {
      client.answer = (what) => (what === 'list' ? [job('b', 40)] : serverError());
      const tracker = make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      follow(tracker, 'b');
      await time.advance(INTERVAL + 2 * INTERVAL);
      assert.deepEqual(client.sentAt, ['list@5000', 'get a@5000', 'list@15000', 'get a@15000']);
      assert.deepEqual(log, ['change b 40', 'error SERVER_ERROR a', 'error SERVER_ERROR a']);
      assert.equal(tracker.has('a'), true);
    });

    it('a change listener that closes the tracker: no lookup follows', async function () {
      client.answer = (what) => (what === 'list' ? [job('a', 40)] : job('b', 40));
      const tracker = make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
      const log = recordEvents(tracker);
      tracker.on('change', () => void tracker.close());
      follow(tracker, 'b');
      follow(tracker, 'a');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sent, ['list']);
      assert.deepEqual(log, ['change a 40']);
    });
  });

  describe('the beforePoll hook', function () {
    it('a hook that closes the tracker: no request follows', async function () {
      client.answer = () => job('a', 40);
      const tracker: JobTracker = make({ beforePoll: async () => void tracker.close() });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sent, []);
      assert.deepEqual(log, []);
    });

    it('a hook that holds the tracker: no request until the release', async function () {
      client.answer = () => job('a', 40);
      let hold = true;
      const tracker: JobTracker = make({
        beforePoll: async () => {
          if (hold) tracker.hold();
          hold = false;
        },
      });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      await time.advance(3 * INTERVAL);
      assert.deepEqual(client.sent, []);
      tracker.release();
      await time.advance(0);
      assert.deepEqual(client.sentAt, ['get a@15000']);
      assert.deepEqual(log, ['change a 40']);
    });

    it('a poll whose hook leaves nothing to follow sends nothing and keeps the backoff', async function () {
      client.answer = () => serverError();
      let unfollow = false;
      const tracker: JobTracker = make({
        beforePoll: async () => {
          if (unfollow) tracker.unfollow('a');
        },
      });
      const log = recordEvents(tracker);
      follow(tracker, 'a');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sentAt, ['get a@5000']);
      unfollow = true;
      await time.advance(2 * INTERVAL);
      assert.deepEqual(log, ['error SERVER_ERROR a', 'idle']);
      unfollow = false;
      follow(tracker, 'a');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sentAt, ['get a@5000', 'get a@20000']);
      // The second failure in a row: four intervals.
      await time.advance(4 * INTERVAL - 1);
      assert.equal(client.requests.length, 2);
      await time.advance(1);
      assert.deepEqual(client.sentAt, ['get a@5000', 'get a@20000', 'get a@40000']);
    });
  });

  describe('the timer', function () {
    it('arms nothing while a request runs and no job has a deadline', async function () {
      const tracker = make();
      follow(tracker, 'a');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sent, ['get a']);
      assert.deepEqual(time.armed(), []);
      tracker.follow({ jobId: 'b', startedAt: time.clock(), timeoutMs: 60_000 });
      assert.deepEqual(time.armed(), [INTERVAL + 60_000], 'only the deadline is watched while the request runs');
    });

    it('following more jobs keeps one timer', async function () {
      const tracker = make();
      follow(tracker, 'a');
      await time.advance(1_000);
      follow(tracker, 'b');
      tracker.follow({ jobId: 'c', startedAt: time.clock(), timeoutMs: 60_000 });
      assert.deepEqual(time.armed(), [INTERVAL]);
    });

    it('a timer that fires a millisecond early still polls then, once', async function () {
      // Node's timers may fire up to a millisecond before their time.
      const early: Scheduler = {
        now: () => time.now(),
        setTimer: (callback, ms) => time.setTimer(callback, ms > 1 ? ms - 1 : ms),
        clearTimer: (handle) => time.clearTimer(handle),
      };
      client.answer = () => job('a', 40);
      const tracker = make({ scheduler: early });
      follow(tracker, 'a');
      await time.advance(INTERVAL);
      assert.deepEqual(client.sentAt, ['get a@4999']);
    });

    it('a deadline passed during a poll is told as the poll ends', async function () {
      let wall = time.clock();
      const tracker = make({ clock: () => wall });
      const log = recordEvents(tracker);
      tracker.follow({ jobId: 'a', startedAt: wall, timeoutMs: 60_000 });
      await time.advance(INTERVAL);
      // The wall clock jumps past the deadline while the request runs; the timer of the deadline is still ahead.
      wall += 70_000;
      client.waiting('get a').resolve(job('a', 40));
      await settle();
      assert.deepEqual(log, ['change a 40', 'timeout a', 'idle']);
      assert.deepEqual(time.armed(), []);
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
      client.answer = () => [job('a', 40), job('b', 40), job('c', 40)];
      const tracker = make({ pollByIdUpTo: 0 });
      const seen: string[] = [];
      tracker.on('change', (changed) => {
        seen.push(`change ${changed.jobId}`);
        if (changed.jobId !== 'a') return;
        setImmediate(() => seen.push('other work'));
        perfNow += workMs;
      });
      for (const id of ['a', 'b', 'c']) follow(tracker, id);
      await time.advance(INTERVAL);
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
