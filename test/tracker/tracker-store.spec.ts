import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTrackerStore, JobTracker, TrackerStoreError, type FollowedJob, type TrackerStore } from '../../src/tracker';
import { FakeClient, job } from './fake-client';
import { recordEvents, waitFor } from './helpers';

const INTERVAL = 20;

/** What a restart would read back. */
async function readJobs(path: string): Promise<FollowedJob[]> {
  return new FileTrackerStore(path).load();
}

describe('JobTracker: persistence', function () {
  let folder: string;
  let path: string;
  let fake: FakeClient;
  const trackers: JobTracker[] = [];

  const make = (store: TrackerStore = new FileTrackerStore(path)): JobTracker => {
    const tracker = new JobTracker({ client: fake, intervalMs: INTERVAL, store, pollByIdUpTo: 0 });
    trackers.push(tracker);
    return tracker;
  };

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'c2d-tracker-'));
    path = join(folder, 'state', 'jobs.json');
    fake = new FakeClient();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
    await rm(folder, { recursive: true, force: true });
  });

  it('survives a restart: follow, close, new tracker, resume, done', async function () {
    const a: FollowedJob = { jobId: 'a', did: 'did:op:0xabc', startedAt: Date.now(), timeoutMs: 60_000, context: { node: 'status-1', msg: { topic: 'plant-3', _msgid: 'm1' } } };
    const b: FollowedJob = { jobId: 'b', startedAt: Date.now() };
    fake.set(job('a', 40), job('b', 40));
    const first = make();
    first.follow(a);
    first.follow(b);
    await first.close();
    assert.deepEqual(await readJobs(path), [a, b], 'closing keeps the followed jobs in the store');

    const second = make();
    const log = recordEvents(second);
    const doneContexts: unknown[] = [];
    second.on('done', (_job, followed) => doneContexts.push(followed.context));
    assert.equal(second.size, 0);
    assert.deepEqual(await second.resume(), [a, b]);
    assert.deepEqual(await second.resume(), [], 'resuming twice adds nothing');
    assert.deepEqual(second.list(), [a, b]);
    await waitFor(() => log.length >= 2, 'first poll');
    fake.set(job('a', 70), job('b', 70));
    await waitFor(() => log.includes('idle'), 'idle');
    assert.deepEqual(log, ['change a 40', 'change b 40', 'change a 70', 'done a', 'change b 70', 'done b', 'idle']);
    assert.deepEqual(doneContexts, [a.context, undefined]);
    await second.close();
    assert.deepEqual(await readJobs(path), [], 'ended jobs leave the store');
  });

  it('starts empty without a store file, and without a store', async function () {
    const tracker = make();
    const log = recordEvents(tracker);
    assert.deepEqual(await tracker.resume(), []);
    const memoryOnly = new JobTracker({ client: fake, intervalMs: INTERVAL });
    trackers.push(memoryOnly);
    assert.deepEqual(await memoryOnly.resume(), []);
    assert.deepEqual(log, []);
    assert.equal(fake.listCalls, 0);
  });

  it('starts empty from a corrupt file, reports it, keeps it aside and writes a good one', async function () {
    await writeFile(join(folder, 'jobs.json'), '{"version":1,"jobs":[{"jobId":"a",');
    path = join(folder, 'jobs.json');
    const tracker = make();
    const errors: Error[] = [];
    tracker.on('error', (error) => errors.push(error));
    assert.deepEqual(await tracker.resume(), []);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof TrackerStoreError);
    assert.equal(errors[0].code, 'STORE_CORRUPT');
    assert.match(errors[0].message, /is not JSON.*moved to .*jobs\.json\.corrupt/);
    assert.equal(await readFile(`${path}.corrupt`, 'utf8'), '{"version":1,"jobs":[{"jobId":"a",');
    tracker.follow({ jobId: 'b', startedAt: 5 });
    await tracker.close();
    assert.deepEqual(await readJobs(path), [{ jobId: 'b', startedAt: 5 }]);
  });

  it('follows the valid jobs of a partly damaged file and rewrites it', async function () {
    path = join(folder, 'jobs.json');
    await writeFile(path, JSON.stringify({ version: 1, jobs: [{ jobId: 'a', startedAt: 1 }, { jobId: 7 }, { jobId: 'c', startedAt: 'yesterday' }] }));
    const tracker = make();
    const errors: Error[] = [];
    tracker.on('error', (error) => errors.push(error));
    assert.deepEqual(await tracker.resume(), [{ jobId: 'a', startedAt: 1 }]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /jobs\[1\]\.jobId.*jobs\[2\]\.startedAt.*1 followed job\(s\) could be read/);
    await tracker.close();
    assert.deepEqual(await readJobs(path), [{ jobId: 'a', startedAt: 1 }]);
  });

  it('refuses a file of another version rather than guessing', async function () {
    path = join(folder, 'jobs.json');
    await writeFile(path, JSON.stringify({ version: 2, jobs: [{ jobId: 'a', startedAt: 1 }] }));
    await assert.rejects(new FileTrackerStore(path).load(), { code: 'STORE_CORRUPT', message: /version 2/ });
  });

  it('reports an unreadable store and a failed save as errors, and keeps tracking', async function () {
    path = join(folder, 'jobs.json');
    await mkdir(path); // a directory: reading it fails, and so does renaming a file over it
    fake.set(job('a', 70));
    const tracker = make();
    const log = recordEvents(tracker);
    assert.deepEqual(await tracker.resume(), []);
    tracker.follow({ jobId: 'a', startedAt: 1 });
    await waitFor(() => log.includes('idle'), 'idle');
    await waitFor(() => log.includes('error STORE_WRITE_FAILED'), 'the failed save');
    assert.equal(log[0], 'error STORE_UNREADABLE');
    assert.deepEqual(log.filter((l) => !l.startsWith('error')), ['change a 70', 'done a', 'idle']);
    await tracker.close(); // waits for the saves still running
    assert.deepEqual(await readdir(folder), ['jobs.json'], 'no temp file left behind');
  });

  it('applies puts and removes in call order, and leaves no temp file', async function () {
    const store = new FileTrackerStore(path);
    const writes = Array.from({ length: 20 }, (_, i) => store.put({ jobId: `job-${i % 3}`, startedAt: i }));
    writes.push(store.remove('job-0'), store.put({ jobId: 'job-0', startedAt: 99 }), store.remove('job-2'));
    await Promise.all(writes);
    assert.deepEqual(await readJobs(path), [
      { jobId: 'job-1', startedAt: 19 },
      { jobId: 'job-0', startedAt: 99 },
    ]);
    const files = await readdir(join(folder, 'state'));
    assert.ok(files.includes('jobs.json') && files.every((file) => !file.endsWith('.tmp')), files.join(', '));
  });

  it('writes each job of a burst of follows once, and never one job twice at a time', async function () {
    const puts: string[] = [];
    let inFlight = 0;
    let overlapping = false;
    const writing = new Set<string>();
    const store: TrackerStore = {
      load: async () => [],
      put: async (job) => {
        if (writing.has(job.jobId)) overlapping = true;
        writing.add(job.jobId);
        inFlight += 1;
        puts.push(job.jobId);
        await new Promise((resolve) => setTimeout(resolve, 5));
        writing.delete(job.jobId);
        inFlight -= 1;
      },
      remove: async () => undefined,
    };
    const tracker = make(store);
    for (let i = 0; i < 50; i++) tracker.follow({ jobId: `job-${i}`, startedAt: i });
    // Followed again while its first write runs: one more write, after the first.
    await new Promise((resolve) => setTimeout(resolve, 1));
    tracker.follow({ jobId: 'job-0', startedAt: 100, timeoutMs: 5 });
    tracker.follow({ jobId: 'job-0', startedAt: 100, timeoutMs: 6 });
    await tracker.close();
    assert.equal(puts.length, 51, `${puts.length} writes`);
    assert.equal(new Set(puts).size, 50);
    assert.equal(overlapping, false);
    assert.equal(inFlight, 0);
  });

  it('keeps jobs followed while the store loads', async function () {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const written: string[] = [];
    const store: TrackerStore = {
      load: async () => {
        await gate;
        return [{ jobId: 'old', startedAt: 1 }];
      },
      put: async (job) => {
        written.push(job.jobId);
      },
      remove: async () => undefined,
    };
    const tracker = make(store);
    const resumed = tracker.resume();
    tracker.follow({ jobId: 'new', startedAt: 2 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(written, [], 'nothing is written before the store is read');
    release();
    assert.deepEqual(await resumed, [{ jobId: 'old', startedAt: 1 }]);
    await tracker.close();
    assert.deepEqual(written, ['new'], 'the stored job is not written again');
    assert.deepEqual(tracker.list().map((j) => j.jobId).sort(), ['new', 'old']);
  });

  it('times out a resumed job whose deadline passed while Node-RED was down, without a request', async function () {
    path = join(folder, 'jobs.json');
    await writeFile(path, JSON.stringify({ version: 1, jobs: [{ jobId: 'a', startedAt: Date.now() - 10_000, timeoutMs: 5_000 }] }));
    const tracker = make();
    const log = recordEvents(tracker);
    await tracker.resume();
    await waitFor(() => log.includes('idle'), 'idle');
    assert.deepEqual(log, ['timeout a', 'idle']);
    assert.equal(fake.listCalls, 0);
  });
});
