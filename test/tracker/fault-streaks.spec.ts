import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OceanError, type ComputeJob } from '../../src/ocean';
import { DEFAULT_MAX_BACKOFF_MS, JobTracker } from '../../src/tracker';
import { job } from './fake-client';
import { recordEvents } from './helpers';
import { VirtualTime } from './virtual-time';

const INTERVAL = 5_000;
const HOUR = 3_600_000;

/**
 * A backend that fails every status request until `recoversAt` (virtual time), then answers the
 * job as done: listed, and asked for by id.
 */
function flakyBackend(time: VirtualTime, recoversAt: number, failure: () => Error) {
  const calls: number[] = [];
  const answer = <T>(value: T): Promise<T> => {
    calls.push(time.now());
    return time.now() < recoversAt ? Promise.reject(failure()) : Promise.resolve(value);
  };
  return {
    calls,
    listJobs: (): Promise<ComputeJob[]> => answer([job('a', 70)]),
    getJob: (): Promise<ComputeJob> => answer(job('a', 70)),
  };
}

const serverError = (): Error => new OceanError('SERVER_ERROR', 'answered HTTP 500: Internal Server Error', { httpStatus: 500 });
const garbage = (): Error => new OceanError('BAD_RESPONSE', 'answered HTTP 200 with a body that is not JSON');

for (const [mode, pollByIdUpTo] of [['list', 0], ['by id', 1]] as const) describe(`JobTracker: fault streaks, on virtual time (poll ${mode})`, function () {
  for (const [name, failure] of [['500s', serverError], ['garbage answers', garbage]] as const) {
    for (const streak of [5, 8, 9, 20, 60]) {
      it(`${streak} ${name} in a row: the job stays followed, and its final comes within one interval plus the capped backoff of the recovery`, async function () {
        const time = new VirtualTime();
        // The server fails exactly `streak` polls: recovery comes just after the last of them.
        let failed = 0;
        const backend = flakyBackend(time, 0, failure);
        const tracker = new JobTracker({ client: backend, intervalMs: INTERVAL, scheduler: time, clock: time.clock, pollByIdUpTo });
        const log = recordEvents(tracker);
        let recoveredAt = Infinity;
        const failFirst = <T>(answer: () => Promise<T>) => (): Promise<T> => {
          if (failed < streak) {
            failed += 1;
            if (failed === streak) recoveredAt = time.now() + 1;
            backend.calls.push(time.now());
            return Promise.reject(failure());
          }
          return answer();
        };
        backend.listJobs = failFirst(backend.listJobs);
        backend.getJob = failFirst(backend.getJob);
        tracker.follow({ jobId: 'a', startedAt: time.clock(), timeoutMs: 24 * HOUR });
        const doneAt = await time.until(() => log.includes('done a'), HOUR, 1_000);
        await tracker.close();
        assert.equal(log.filter((line) => line === 'done a').length, 1, 'delivered once');
        assert.ok(!log.includes('timeout a'), 'never timed out');
        assert.ok(doneAt - recoveredAt <= INTERVAL + DEFAULT_MAX_BACKOFF_MS, `final ${doneAt - recoveredAt} ms after the recovery`);
      });
    }
  }

  it('a streak longer than the follow timeout ends in the timeout, not in silence', async function () {
    const time = new VirtualTime();
    const backend = flakyBackend(time, Infinity, serverError);
    const tracker = new JobTracker({ client: backend, intervalMs: INTERVAL, scheduler: time, clock: time.clock, pollByIdUpTo });
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: time.clock(), timeoutMs: 10 * 60_000 });
    const at = await time.until(() => log.includes('timeout a'), HOUR, 1_000);
    await tracker.close();
    assert.ok(at >= 10 * 60_000 && at <= 10 * 60_000 + 1_000, `timed out at ${at} ms`);
  });

  it('never waits more than the cap between polls, whatever the streak', async function () {
    const time = new VirtualTime();
    const backend = flakyBackend(time, Infinity, serverError);
    const tracker = new JobTracker({ client: backend, intervalMs: INTERVAL, scheduler: time, clock: time.clock, pollByIdUpTo });
    tracker.follow({ jobId: 'a', startedAt: time.clock() });
    await time.advance(HOUR);
    await tracker.close();
    const gaps = backend.calls.slice(1).map((t, i) => t - backend.calls[i]!);
    assert.deepEqual(gaps.slice(0, 4), [10_000, 20_000, 30_000, 30_000]);
    assert.ok(gaps.every((gap) => gap <= DEFAULT_MAX_BACKOFF_MS));
    assert.ok(backend.calls.length >= 115, `${backend.calls.length} polls in an hour`);
  });
});

describe('JobTracker: the backoff cap', function () {
  it('is the one the README states', function () {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const stated = /up to (\d+) seconds between polls/.exec(readme);
    assert.ok(stated, 'the README states the cap');
    assert.equal(Number(stated[1]) * 1000, DEFAULT_MAX_BACKOFF_MS);
  });
});
