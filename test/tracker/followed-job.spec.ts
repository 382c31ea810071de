import assert from 'node:assert/strict';
import { isOceanError } from '../../src/ocean';
import { JobTracker, type FollowedJob, type TrackerStore } from '../../src/tracker';
import { FakeClient } from './fake-client';
import { VirtualTime } from './virtual-time';

/** What follow() checks: every refusal is INVALID_INPUT naming the field and what was expected. */
describe('JobTracker.follow: checking the job to follow', function () {
  let time: VirtualTime;
  const trackers: JobTracker[] = [];
  const make = (store?: TrackerStore): JobTracker => {
    const tracker = new JobTracker({ client: new FakeClient(), scheduler: time, clock: time.clock, store });
    trackers.push(tracker);
    return tracker;
  };
  const refuses = (job: unknown, field: string, message: string): void => {
    const tracker = make();
    assert.throws(
      () => tracker.follow(job as FollowedJob),
      (error: unknown) => {
        assert.ok(isOceanError(error), `an OceanError, got ${String(error)}`);
        assert.equal(error.code, 'INVALID_INPUT');
        assert.equal(error.message, message);
        assert.deepEqual(error.details, { field });
        return true;
      },
    );
    assert.equal(tracker.size, 0, 'nothing followed');
  };
  const base = { jobId: 'job-1', startedAt: 1_800_000_000_000 };

  beforeEach(function () {
    time = new VirtualTime();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  it('refuses anything but an object', function () {
    refuses(null, 'job', 'job: expected an object with jobId and startedAt, got null');
    refuses('job-1', 'job', 'job: expected an object with jobId and startedAt, got "job-1"');
    refuses([base], 'job', 'job: expected an object with jobId and startedAt, got an array of 1');
  });

  it('refuses a missing, empty or blank jobId', function () {
    const expected = (got: string): string => `job.jobId: expected the id compute-start returned, got ${got}`;
    refuses({ startedAt: 1 }, 'job.jobId', expected('nothing'));
    refuses({ ...base, jobId: '' }, 'job.jobId', expected('an empty string'));
    refuses({ ...base, jobId: '   ' }, 'job.jobId', expected('"   "'));
    refuses({ ...base, jobId: '\t\n' }, 'job.jobId', expected('"\\t\\n"'));
    refuses({ ...base, jobId: 42 }, 'job.jobId', expected('42'));
  });

  it('refuses a startedAt that is not a finite number', function () {
    const expected = (got: string): string => `job.startedAt: expected a time in ms, got ${got}`;
    refuses({ jobId: 'a' }, 'job.startedAt', expected('nothing'));
    refuses({ ...base, startedAt: Number.NaN }, 'job.startedAt', expected('NaN'));
    refuses({ ...base, startedAt: Number.POSITIVE_INFINITY }, 'job.startedAt', expected('Infinity'));
    refuses({ ...base, startedAt: '2026-01-01' }, 'job.startedAt', expected('"2026-01-01"'));
  });

  it('refuses a did that is not a string', function () {
    refuses({ ...base, did: 5 }, 'job.did', 'job.did: expected a DID string, got 5');
    refuses({ ...base, did: null }, 'job.did', 'job.did: expected a DID string, got null');
  });

  it('refuses a timeoutMs of 0 or less, non-finite or not a number; accepts anything above 0', function () {
    const expected = (got: string): string => `job.timeoutMs: expected a number of ms above 0, got ${got}`;
    refuses({ ...base, timeoutMs: 0 }, 'job.timeoutMs', expected('0'));
    refuses({ ...base, timeoutMs: -1 }, 'job.timeoutMs', expected('-1'));
    refuses({ ...base, timeoutMs: Number.NaN }, 'job.timeoutMs', expected('NaN'));
    refuses({ ...base, timeoutMs: Number.POSITIVE_INFINITY }, 'job.timeoutMs', expected('Infinity'));
    refuses({ ...base, timeoutMs: '60000' }, 'job.timeoutMs', expected('"60000"'));
    const tracker = make();
    tracker.follow({ ...base, timeoutMs: 0.5 });
    tracker.follow({ ...base, jobId: 'job-2', timeoutMs: 1 });
    assert.deepEqual(
      tracker.list().map((job) => job.timeoutMs),
      [0.5, 1],
    );
  });

  it('refuses a context that is not a plain JSON object, naming job.context', function () {
    const expected = (got: string): string => `job.context: expected a JSON object, got ${got}`;
    refuses({ ...base, context: null }, 'job.context', expected('null'));
    refuses({ ...base, context: 'node-1' }, 'job.context', expected('"node-1"'));
    refuses({ ...base, context: [1, 2] }, 'job.context', expected('an array of 2'));
    // Neither can be written as JSON at all: still "not an object", not "not JSON-safe".
    refuses({ ...base, context: () => 'node-1' }, 'job.context', expected('a function'));
    refuses({ ...base, context: 5n }, 'job.context', expected('a bigint'));
    // An object that does not read back as one from the store.
    refuses({ ...base, context: new Date(0) }, 'job.context', expected('a object'));
    refuses({ ...base, context: { toJSON: () => [1] } }, 'job.context', expected('a object'));
  });

  it('refuses a context that cannot be written as JSON, without echoing it', function () {
    const message = 'job.context: expected JSON-safe data (no BigInt, no cycles)';
    refuses({ ...base, context: { amount: 10n } }, 'job.context', message);
    const cycle: Record<string, unknown> = { node: 'n1' };
    cycle.self = cycle;
    refuses({ ...base, context: cycle }, 'job.context', message);
  });

  it('keeps a copy of the job as the store will read it back', function () {
    const tracker = make();
    const context: Record<string, unknown> = { node: 'n1', nested: { a: 1 }, dropped: undefined, fn: () => 1 };
    const job = { ...base, did: 'did:op:1', timeoutMs: 60_000, context, extra: 'not kept' };
    tracker.follow(job);
    (context.nested as Record<string, unknown>).a = 2;
    context.node = 'changed';
    assert.deepEqual(tracker.list(), [{ jobId: 'job-1', did: 'did:op:1', startedAt: base.startedAt, timeoutMs: 60_000, context: { node: 'n1', nested: { a: 1 } } }]);
    tracker.follow({ jobId: 'job-2', startedAt: 5 });
    assert.deepEqual(tracker.list()[1], { jobId: 'job-2', startedAt: 5 }, 'no did, timeoutMs or context when none was given');
  });

  it('names a stored job by its place when resume() finds it malformed', async function () {
    const stored = [{ jobId: 'ok', startedAt: 1 }, { jobId: 'bad', startedAt: 1, context: { amount: 1n } }, { jobId: '', startedAt: 1 }];
    const store: TrackerStore = { load: () => Promise.resolve(stored as FollowedJob[]), put: () => Promise.resolve(), remove: () => Promise.resolve() };
    const tracker = make(store);
    const errors: string[] = [];
    tracker.on('error', (error) => errors.push(error.message));
    const added = await tracker.resume();
    assert.deepEqual(
      added.map((job) => job.jobId),
      ['ok'],
    );
    assert.deepEqual(errors, ['stored jobs[1].context: expected JSON-safe data (no BigInt, no cycles)', 'stored jobs[2].jobId: expected the id compute-start returned, got an empty string']);
  });
});
