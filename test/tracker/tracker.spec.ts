import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { isOceanError } from '../../src/ocean';
import { JobTracker, type FollowedJob, type JobTrackerOptions } from '../../src/tracker';
import { FakeClient, job, rateLimited, serverError } from './fake-client';
import { gaps, recordEvents, sleep, waitFor } from './helpers';

const INTERVAL = 20;
/** Timers never fire early, but can fire late on a busy machine: only lower bounds are tight. */
const EARLY = 2;

describe('JobTracker: polling', function () {
  let fake: FakeClient;
  const trackers: JobTracker[] = [];

  // These are about the list poll, also with one job followed; polls by id have their own spec.
  const make = (options: Partial<JobTrackerOptions> = {}): JobTracker => {
    const tracker = new JobTracker({ client: fake, intervalMs: INTERVAL, pollByIdUpTo: 0, ...options });
    trackers.push(tracker);
    return tracker;
  };
  const followed = (jobId: string, extra: Partial<FollowedJob> = {}): FollowedJob => ({ jobId, startedAt: Date.now(), ...extra });

  beforeEach(function () {
    fake = new FakeClient();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  it('makes one list request per interval for 100 followed jobs, never two at once', async function () {
    const tracker = make({ intervalMs: 30 });
    const log = recordEvents(tracker);
    const ids = Array.from({ length: 100 }, (_, i) => `job-${i}`);
    fake.set(...ids.map((id) => job(id, 40)));
    const start = performance.now();
    for (const id of ids) tracker.follow(followed(id));
    await waitFor(() => fake.listCalls >= 4, '4 polls');
    const elapsed = performance.now() - start;
    await tracker.close();

    assert.equal(tracker.size, 100);
    assert.ok(fake.listTimes[0]! - start >= 30 - EARLY, 'the first poll waits one interval');
    assert.ok(gaps(fake.listTimes).every((gap) => gap >= 30 - EARLY), `gaps ${gaps(fake.listTimes).join(', ')}`);
    assert.ok(fake.listCalls <= Math.floor(elapsed / 30) + 1);
    assert.deepEqual(fake.lookups, [], 'every job was in the one list');
    assert.equal(fake.maxInFlight, 1);
    assert.equal(log.filter((line) => line.startsWith('change')).length, 100, 'one change per job: the first sighting');
  });

  it('waits for a slow request to end before arming the next poll', async function () {
    fake.latencyMs = 40;
    fake.set(job('a', 40));
    const tracker = make();
    tracker.follow(followed('a'));
    await waitFor(() => fake.listCalls >= 3, '3 polls');
    await tracker.close();
    assert.equal(fake.maxInFlight, 1);
    assert.ok(gaps(fake.listTimes).every((gap) => gap >= 40 + INTERVAL - EARLY), `gaps ${gaps(fake.listTimes).join(', ')}`);
  });

  it('emits change on each status or text change, then done once, then unfollows and goes idle', async function () {
    fake.set(job('a', 10));
    fake.beforeAnswer = (call) => {
      if (call === 2) fake.set(job('a', 40));
      if (call === 4) fake.set(job('a', 40, { statusText: 'Running algorithm, 50%' }));
      if (call === 5) fake.set(job('a', 70, { results: [{ index: 0, filename: 'outputs.tar', type: 'output', kind: 'output', archive: true }] }));
    };
    const tracker = make();
    const log = recordEvents(tracker);
    let followedInDone: boolean | undefined;
    tracker.on('done', (j, f) => {
      followedInDone = tracker.has(j.jobId);
      assert.equal(f.jobId, 'a');
      assert.equal(j.results.length, 1);
    });
    tracker.follow(followed('a', { context: { node: 'n1' } }));
    await waitFor(() => log.includes('idle'), 'idle');
    assert.deepEqual(log, ['change a 10', 'change a 40', 'change a 40', 'change a 70', 'done a', 'idle']);
    assert.equal(followedInDone, false, 'unfollowed before done is emitted');
    assert.equal(tracker.has('a'), false);
    assert.equal(tracker.size, 0);
    const calls = fake.listCalls;
    await sleep(INTERVAL * 4);
    assert.equal(fake.listCalls, calls, 'no requests while idle');
  });

  it('follows a job again after idle: the first poll comes one interval later', async function () {
    const tracker = make();
    const log = recordEvents(tracker);
    await sleep(INTERVAL * 3);
    assert.equal(fake.listCalls, 0, 'nothing followed, nothing asked');
    fake.set(job('a', 70));
    tracker.follow(followed('a'));
    await waitFor(() => log.includes('idle'), 'idle');
    fake.set(job('b', 70));
    const again = performance.now();
    tracker.follow(followed('b'));
    await waitFor(() => log.filter((l) => l === 'idle').length === 2, 'second idle');
    assert.equal(fake.listCalls, 2);
    assert.ok(fake.listTimes[1]! - again >= INTERVAL - EARLY);
    assert.deepEqual(log, ['change a 70', 'done a', 'idle', 'change b 70', 'done b', 'idle']);
  });

  it('unfollow stops a job; removing the last one stops the timer', async function () {
    fake.set(job('a', 40), job('b', 40));
    const tracker = make();
    const log = recordEvents(tracker);
    tracker.follow(followed('a'));
    tracker.follow(followed('b'));
    await waitFor(() => fake.listCalls >= 1 && log.length >= 2, 'first poll');
    assert.equal(tracker.unfollow('a'), true);
    assert.equal(tracker.unfollow('a'), false);
    fake.set(job('a', 70));
    await waitFor(() => fake.listCalls >= 2, 'second poll');
    await sleep(5);
    assert.deepEqual(log, ['change a 40', 'change b 40'], 'nothing about a after unfollow');
    tracker.unfollow('b');
    await waitFor(() => log.at(-1) === 'idle', 'idle');
    const calls = fake.listCalls;
    await sleep(INTERVAL * 3);
    assert.equal(fake.listCalls, calls);
  });

  it('times out a job by the injected clock and reports the last status', async function () {
    let clock = 1_000;
    fake.set(job('a', 40), job('b', 40));
    const tracker = make({ clock: () => clock });
    const log = recordEvents(tracker);
    const timeouts: [FollowedJob, number | null | undefined][] = [];
    tracker.on('timeout', (f, last) => timeouts.push([f, last?.status]));
    tracker.follow({ jobId: 'a', startedAt: 1_000, timeoutMs: 60_000, context: { msgid: 'm1' } });
    tracker.follow({ jobId: 'b', startedAt: 1_000 });
    await waitFor(() => log.length >= 2, 'first sighting');
    clock = 61_000;
    await waitFor(() => timeouts.length === 1, 'timeout');
    assert.deepEqual(timeouts[0], [{ jobId: 'a', startedAt: 1_000, timeoutMs: 60_000, context: { msgid: 'm1' } }, 40]);
    assert.equal(tracker.has('a'), false);
    assert.equal(tracker.has('b'), true, 'a job without timeoutMs is followed for as long as it runs');
    assert.deepEqual(log, ['change a 40', 'change b 40', 'timeout a']);
  });

  it('times out on time even while no request can be made', async function () {
    for (let i = 0; i < 5; i++) fake.listFailures.push(rateLimited(60_000));
    const tracker = make({ maxBackoffMs: 10_000 });
    const log = recordEvents(tracker);
    const start = Date.now();
    tracker.follow({ jobId: 'a', startedAt: start, timeoutMs: 150 });
    await waitFor(() => log.includes('idle'), 'idle');
    const took = Date.now() - start;
    assert.deepEqual(log, ['error RATE_LIMITED', 'timeout a', 'idle']);
    assert.equal(fake.listCalls, 1, 'the next poll was 10 s away');
    assert.ok(took >= 150 - EARLY && took < 1_000, `timed out after ${took} ms`);
  });

  it('times out a job whose deadline passes during a hanging request, and cancels that request', async function () {
    fake.hang = true;
    const tracker = make();
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: Date.now(), timeoutMs: 80 });
    await waitFor(() => log.includes('idle'), 'idle');
    assert.deepEqual(log, ['timeout a', 'idle'], 'the useless request was cancelled, not reported');
    assert.equal(fake.listCalls, 1);
    assert.equal(fake.aborted, 1);
  });

  it('honours retryAfterMs on RATE_LIMITED, at least twice the interval; failures in a row at most maxBackoffMs', async function () {
    fake.set(job('a', 40));
    fake.listFailures.push(rateLimited(150), rateLimited(1), serverError(), serverError());
    const tracker = make({ maxBackoffMs: 250 });
    const log = recordEvents(tracker);
    tracker.follow(followed('a'));
    await waitFor(() => fake.listCalls >= 6, '6 polls');
    await tracker.close();
    const [afterRetryAfter, afterShort, afterThird, afterCapped, afterSuccess] = gaps(fake.listTimes);
    assert.ok(afterRetryAfter! >= 150 - EARLY, `waited ${afterRetryAfter} ms for retryAfterMs 150`);
    assert.ok(afterShort! >= 4 * INTERVAL - EARLY, `second failure in a row doubles again: ${afterShort} ms`);
    assert.ok(afterThird! >= 8 * INTERVAL - EARLY && afterThird! < 250, `third failure doubles again, under the cap: ${afterThird} ms`);
    assert.ok(afterCapped! >= 250 - EARLY && afterCapped! < 1_000, `fourth (320 ms) capped at maxBackoffMs: ${afterCapped} ms`);
    assert.ok(afterSuccess! >= INTERVAL - EARLY && afterSuccess! < 240, `back to the interval: ${afterSuccess} ms`);
    assert.deepEqual(log, ['error RATE_LIMITED', 'error RATE_LIMITED', 'error SERVER_ERROR', 'error SERVER_ERROR', 'change a 40']);
  });

  it('backs off exponentially on errors, keeps polling, and resets after a success', async function () {
    fake.set(job('a', 40));
    fake.listFailures.push(serverError(), serverError(), serverError());
    fake.beforeAnswer = (call) => {
      if (call === 5) fake.listFailures.push(serverError());
    };
    const tracker = make({ maxBackoffMs: 1_000 });
    const log = recordEvents(tracker);
    tracker.follow(followed('a'));
    await waitFor(() => fake.listCalls >= 6, '6 polls');
    await tracker.close();
    const g = gaps(fake.listTimes);
    assert.ok(g[0]! >= 2 * INTERVAL - EARLY && g[1]! >= 4 * INTERVAL - EARLY && g[2]! >= 8 * INTERVAL - EARLY, `gaps ${g.join(', ')}`);
    assert.ok(g[3]! < 8 * INTERVAL, `reset after the success: ${g[3]} ms`);
    assert.ok(g[4]! >= 2 * INTERVAL - EARLY && g[4]! < 8 * INTERVAL, `a later failure starts again at twice the interval: ${g[4]} ms`);
    assert.deepEqual(log.slice(0, 5), ['error SERVER_ERROR', 'error SERVER_ERROR', 'error SERVER_ERROR', 'change a 40', 'error SERVER_ERROR']);
  });

  it('looks a job missing from the list up after 3 misses, one per poll; NOT_FOUND ends it with an error', async function () {
    fake.set(job('seen', 40));
    fake.unlisted.set('late', job('late', 20));
    const tracker = make();
    const log = recordEvents(tracker);
    const errors: [string | undefined, string | undefined][] = [];
    tracker.on('error', (error, f) => errors.push([isOceanError(error) ? error.code : undefined, f?.jobId]));
    tracker.follow(followed('late'));
    tracker.follow(followed('ghost', { did: 'did:op:1' }));
    tracker.follow(followed('seen'));
    await waitFor(() => fake.lookups.length >= 3, '3 lookups');
    await tracker.close();
    assert.deepEqual(fake.lookups, ['late@3', 'ghost@4', 'late@6']);
    assert.deepEqual(errors, [['NOT_FOUND', 'ghost']]);
    assert.equal(tracker.has('ghost'), false);
    assert.equal(tracker.has('late'), true, 'found by lookup, so still followed');
    assert.deepEqual(log, ['change seen 40', 'change late 20', 'error NOT_FOUND ghost']);
  });

  it('close() aborts the request in flight at once; no events or requests afterwards', async function () {
    fake.hang = true;
    const tracker = make();
    const log = recordEvents(tracker);
    tracker.follow(followed('a', { timeoutMs: 100 }));
    await waitFor(() => fake.listCalls === 1, 'a request in flight');
    const start = performance.now();
    await tracker.close();
    const took = performance.now() - start;
    assert.ok(took < 1_000, `close took ${took} ms`);
    assert.equal(fake.aborted, 1, 'the request was aborted through its signal');
    assert.equal(tracker.closed, true);
    await sleep(150);
    assert.equal(fake.listCalls, 1);
    assert.deepEqual(log, [], 'neither the abort nor the timeout is reported');
    assert.throws(() => tracker.follow(followed('b')), /closed/);
    assert.equal(tracker.unfollow('a'), false);
    assert.equal(tracker.has('a'), true, 'closing keeps the followed jobs');
  });

  it('close() while waiting for the next poll clears the timer', async function () {
    fake.set(job('a', 40));
    const tracker = make();
    tracker.follow(followed('a'));
    await waitFor(() => fake.listCalls === 1 && fake.inFlight === 0, 'first poll answered');
    await tracker.close();
    await tracker.close();
    await sleep(INTERVAL * 4);
    assert.equal(fake.listCalls, 1);
  });

  it('keeps going after a failed poll and a throwing listener, with no error listener', async function () {
    fake.set(job('a', 40), job('b', 40));
    fake.beforeAnswer = (call) => {
      if (call === 3) fake.set(job('a', 70), job('b', 70));
    };
    fake.listFailures.push(serverError());
    const tracker = make();
    const done: string[] = [];
    tracker.on('change', (j) => {
      if (j.jobId === 'a') throw new Error(`listener failed on ${j.jobId}`);
    });
    tracker.on('done', (j) => done.push(j.jobId));
    tracker.follow(followed('a'));
    tracker.follow(followed('b'));
    await waitFor(() => done.length === 2, 'both done');
    assert.deepEqual(done, ['a', 'b']);
  });

  it('reports a throwing listener as an error event', async function () {
    fake.set(job('a', 70));
    const tracker = make();
    const errors: string[] = [];
    tracker.on('error', (error) => errors.push(error.message));
    tracker.on('change', () => {
      throw new Error('listener failed');
    });
    const done = new Promise<string>((resolve) => tracker.once('done', (j) => resolve(j.jobId)));
    tracker.follow(followed('a'));
    assert.equal(await done, 'a');
    assert.deepEqual(errors, ['listener failed']);
  });

  it('checks what it follows and keeps its own copy', function () {
    const tracker = make();
    assert.throws(() => tracker.follow({ jobId: '', startedAt: 1 }), { code: 'INVALID_INPUT', message: /job\.jobId/ });
    assert.throws(() => tracker.follow({ jobId: 'a', startedAt: Number.NaN }), { code: 'INVALID_INPUT', message: /job\.startedAt/ });
    assert.throws(() => tracker.follow({ jobId: 'a', startedAt: 1, timeoutMs: -5 }), { code: 'INVALID_INPUT', message: /job\.timeoutMs/ });
    assert.throws(() => tracker.follow({ jobId: 'a', startedAt: 1, context: { n: 1n } }), { code: 'INVALID_INPUT', message: /JSON-safe/ });
    assert.equal(tracker.size, 0);
    const context = { msg: { topic: 't' } };
    tracker.follow({ jobId: 'a', startedAt: 1, context });
    context.msg.topic = 'changed';
    assert.deepEqual(tracker.list(), [{ jobId: 'a', startedAt: 1, context: { msg: { topic: 't' } } }]);
    tracker.list()[0]!.jobId = 'mutated';
    assert.equal(tracker.has('a'), true);
    assert.throws(() => make({ intervalMs: 0 }), { code: 'INVALID_CONFIG', message: /intervalMs/ });
    assert.throws(() => make({ missingPollsBeforeLookup: 0 }), { code: 'INVALID_CONFIG', message: /missingPollsBeforeLookup/ });
  });
});
