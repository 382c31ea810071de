import assert from 'node:assert/strict';
import { OceanError, isOceanError, type ComputeJob } from '../../src/ocean';
import { JobTracker, type JobTrackerOptions } from '../../src/tracker';
import { trackerSettings } from '../../src/tracker/options';
import { realScheduler } from '../../src/tracker/scheduler';
import { FakeClient, job } from './fake-client';
import { recordEvents } from './helpers';
import { VirtualTime } from './virtual-time';

/** setTimeout's own limit, written out: the tests must not move with the constant they check. */
const TIMER_LIMIT = 2_147_483_647;

describe('JobTracker options: validation and defaults', function () {
  let fake: FakeClient;
  let time: VirtualTime;
  const trackers: JobTracker[] = [];

  /** Options as a flow or a caller might pass them, wrong types included. */
  const options = (extra: Record<string, unknown> = {}): JobTrackerOptions =>
    ({ client: fake, scheduler: time, clock: time.clock, ...extra }) as unknown as JobTrackerOptions;
  const make = (extra: Record<string, unknown> = {}): JobTracker => {
    const tracker = new JobTracker(options(extra));
    trackers.push(tracker);
    return tracker;
  };
  /** The tracker refuses the options with INVALID_CONFIG naming the field, and exactly `message`. */
  const refuses = (extra: Record<string, unknown>, field: string, message: string): void => {
    assert.throws(
      () => make(extra),
      (error: unknown) => {
        assert.ok(isOceanError(error), `an OceanError, got ${String(error)}`);
        assert.equal(error.code, 'INVALID_CONFIG');
        assert.equal(error.message, message);
        assert.deepEqual(error.details, { field });
        return true;
      },
    );
  };

  beforeEach(function () {
    fake = new FakeClient();
    time = new VirtualTime();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  describe('client', function () {
    it('is required', function () {
      refuses({ client: undefined }, 'client', 'client: expected an object with listJobs and getJob, got nothing');
      refuses({ client: null }, 'client', 'client: expected an object with listJobs and getJob, got null');
    });

    it('needs both listJobs and getJob as functions', function () {
      const getJob = fake.getJob.bind(fake);
      const listJobs = fake.listJobs.bind(fake);
      refuses({ client: {} }, 'client', 'client: expected an object with listJobs and getJob, got a object');
      refuses({ client: { getJob } }, 'client', 'client: expected an object with listJobs and getJob, got a object');
      refuses({ client: { listJobs } }, 'client', 'client: expected an object with listJobs and getJob, got a object');
      refuses({ client: { listJobs: 'list', getJob } }, 'client', 'client: expected an object with listJobs and getJob, got a object');
      refuses({ client: { listJobs, getJob: {} } }, 'client', 'client: expected an object with listJobs and getJob, got a object');
      refuses({ client: 'http://node' }, 'client', 'client: expected an object with listJobs and getJob, got "http://node"');
      assert.doesNotThrow(() => make({ client: { listJobs, getJob } }));
    });
  });

  for (const field of ['intervalMs', 'maxBackoffMs'] as const) {
    describe(field, function () {
      const expected = (got: string): string => `${field}: expected a number of ms above 0, got ${got}`;

      it('refuses 0, negative, non-finite and non-number values', function () {
        refuses({ [field]: 0 }, field, expected('0'));
        refuses({ [field]: -1 }, field, expected('-1'));
        refuses({ [field]: Number.NaN }, field, expected('NaN'));
        refuses({ [field]: Number.POSITIVE_INFINITY }, field, expected('Infinity'));
        refuses({ [field]: '5000' }, field, expected('"5000"'));
        refuses({ [field]: false }, field, expected('false'));
      });

      it("accepts up to setTimeout's limit (2^31 - 1 ms), and refuses one ms more", function () {
        assert.doesNotThrow(() => make({ [field]: 1 }));
        assert.doesNotThrow(() => make({ [field]: 0.5 }));
        assert.doesNotThrow(() => make({ [field]: TIMER_LIMIT }));
        refuses({ [field]: TIMER_LIMIT + 1 }, field, expected(String(TIMER_LIMIT + 1)));
        refuses({ [field]: TIMER_LIMIT + 2 }, field, expected(String(TIMER_LIMIT + 2)));
      });
    });
  }

  it('missingPollsBeforeLookup: a whole number of 1 or more', function () {
    const expected = (got: string): string => `missingPollsBeforeLookup: expected a whole number of 1 or more, got ${got}`;
    refuses({ missingPollsBeforeLookup: 0 }, 'missingPollsBeforeLookup', expected('0'));
    refuses({ missingPollsBeforeLookup: -1 }, 'missingPollsBeforeLookup', expected('-1'));
    refuses({ missingPollsBeforeLookup: 1.5 }, 'missingPollsBeforeLookup', expected('1.5'));
    refuses({ missingPollsBeforeLookup: '3' }, 'missingPollsBeforeLookup', expected('"3"'));
    assert.equal(trackerSettings(options({ missingPollsBeforeLookup: 1 })).missingPollsBeforeLookup, 1);
  });

  it('pollByIdUpTo: a whole number of 0 or more', function () {
    const expected = (got: string): string => `pollByIdUpTo: expected a whole number of 0 or more, got ${got}`;
    refuses({ pollByIdUpTo: -1 }, 'pollByIdUpTo', expected('-1'));
    refuses({ pollByIdUpTo: 0.5 }, 'pollByIdUpTo', expected('0.5'));
    refuses({ pollByIdUpTo: '1' }, 'pollByIdUpTo', expected('"1"'));
    assert.equal(trackerSettings(options({ pollByIdUpTo: 0 })).pollByIdUpTo, 0);
  });

  it('clock, groupOf and beforePoll must be functions when given', function () {
    refuses({ clock: 5 }, 'clock', 'clock: expected a function answering ms, got 5');
    refuses({ clock: null }, 'clock', 'clock: expected a function answering ms, got null');
    refuses({ groupOf: 'node' }, 'groupOf', 'groupOf: expected a function answering a group name, got "node"');
    refuses({ groupOf: null }, 'groupOf', 'groupOf: expected a function answering a group name, got null');
    refuses({ beforePoll: true }, 'beforePoll', 'beforePoll: expected a function answering a promise, got true');
    refuses({ beforePoll: {} }, 'beforePoll', 'beforePoll: expected a function answering a promise, got a object');
    assert.doesNotThrow(() => make({ groupOf: () => 'g', beforePoll: () => Promise.resolve() }));
  });

  it('store must have load, put and remove; the message does not echo the store', function () {
    const load = (): Promise<never[]> => Promise.resolve([]);
    const put = (): Promise<void> => Promise.resolve();
    const remove = (): Promise<void> => Promise.resolve();
    const message = 'store: expected an object with load, put and remove';
    refuses({ store: {} }, 'store', message);
    refuses({ store: { put, remove } }, 'store', message);
    refuses({ store: { load, remove } }, 'store', message);
    refuses({ store: { load, put } }, 'store', message);
    refuses({ store: { load: 'file', put, remove, secret: 'x' } }, 'store', message);
    const store = { load, put, remove };
    assert.equal(make({ store }).store, store);
    assert.equal(make({ store: undefined }).store, undefined);
  });

  it('defaults: 5 s interval, 30 s backoff cap, 3 missed polls, by id up to 1 job, Date.now and real time', function () {
    const settings = trackerSettings({ client: fake });
    assert.equal(settings.client, fake);
    assert.equal(settings.intervalMs, 5_000);
    assert.equal(settings.maxBackoffMs, 30_000);
    assert.equal(settings.missingPollsBeforeLookup, 3);
    assert.equal(settings.pollByIdUpTo, 1);
    assert.equal(settings.clock, Date.now);
    assert.equal(settings.scheduler, realScheduler);
    assert.equal(settings.store, undefined);
    assert.equal(settings.groupOf, undefined);
    assert.equal(settings.beforePoll, undefined);
  });

  it('keeps what is given; a backoff cap below the interval is raised to it', function () {
    const groupOf = (): string => 'g';
    const beforePoll = (): Promise<void> => Promise.resolve();
    const given = trackerSettings(options({ intervalMs: 100, maxBackoffMs: 700, missingPollsBeforeLookup: 5, pollByIdUpTo: 4, groupOf, beforePoll }));
    assert.equal(given.intervalMs, 100);
    assert.equal(given.maxBackoffMs, 700);
    assert.equal(given.missingPollsBeforeLookup, 5);
    assert.equal(given.pollByIdUpTo, 4);
    assert.equal(given.groupOf, groupOf);
    assert.equal(given.beforePoll, beforePoll);
    assert.equal(given.clock, time.clock);
    assert.equal(given.scheduler, time);
    assert.equal(trackerSettings(options({ intervalMs: 60_000 })).maxBackoffMs, 60_000, 'the default cap is below a 60 s interval');
    assert.equal(trackerSettings(options({ intervalMs: 1_000, maxBackoffMs: 999 })).maxBackoffMs, 1_000);
  });

  it('by default: one job asked for by id every 5 s from the follow, two listed; an unknown job dropped on the 3rd miss', async function () {
    const calls: string[] = [];
    const known = new Map([['a', job('a', 40)], ['b', job('b', 40)]]);
    const client = {
      listJobs: (): Promise<ComputeJob[]> => {
        calls.push(`list@${time.now()}`);
        return Promise.resolve([...known.values()]);
      },
      getJob: (jobId: string): Promise<ComputeJob> => {
        calls.push(`get ${jobId}@${time.now()}`);
        const found = known.get(jobId);
        return found ? Promise.resolve(found) : Promise.reject(new OceanError('NOT_FOUND', `Job ${jobId} is not known`, { jobId }));
      },
    };
    const tracker = make({ client });
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: time.clock() });
    await time.advance(4_999);
    assert.deepEqual(calls, []);
    await time.advance(1);
    assert.deepEqual(calls, ['get a@5000']);
    await time.advance(5_000);
    assert.deepEqual(calls, ['get a@5000', 'get a@10000']);
    tracker.follow({ jobId: 'b', startedAt: time.clock() });
    await time.advance(5_000);
    assert.deepEqual(calls.slice(2), ['list@15000'], 'two jobs: one list request');
    tracker.unfollow('a');
    tracker.unfollow('b');
    calls.length = 0;
    await time.advance(5_000);
    tracker.follow({ jobId: 'gone', startedAt: time.clock() });
    await time.advance(10_000);
    assert.deepEqual(calls, ['get gone@25000', 'get gone@30000']);
    assert.equal(tracker.has('gone'), true, 'two misses: still followed');
    await time.advance(5_000);
    assert.equal(tracker.has('gone'), false, 'dropped on the third miss');
    assert.deepEqual(log.slice(-2), ['error NOT_FOUND gone', 'idle']);
  });
});
