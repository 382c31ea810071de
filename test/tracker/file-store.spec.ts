import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTrackerStore, JobTracker, type FollowedJob } from '../../src/tracker';
import { FakeClient } from './fake-client';

/** A followed job the size the nodes save: an Ocean Node job id and a message snapshot. */
function followedJob(index: number): FollowedJob {
  const jobId = `${'c'.repeat(64)}-${index.toString(16).padStart(64, '0')}`;
  return {
    jobId,
    startedAt: 1_800_000_000_000 + index,
    timeoutMs: 3_600_000,
    context: { nodeId: 'status-1', msg: { _msgid: `m${index}`, jobId, ocean: { backend: 'ocean-node', chainId: 8996, jobId } } },
  };
}

/** A store file as the version before the change log wrote it: the whole list, pretty-printed. */
function oldStoreFile(jobs: FollowedJob[]): string {
  return `${JSON.stringify({ version: 1, jobs }, null, 2)}\n`;
}

describe('FileTrackerStore: one job per write', function () {
  let folder: string;
  let path: string;

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'c2d-file-store-'));
    path = join(folder, 'jobs.json');
  });

  afterEach(async function () {
    await rm(folder, { recursive: true, force: true });
  });

  it('loads a store file written by the previous version, and adds to it without rewriting it', async function () {
    const old = [followedJob(1), followedJob(2)];
    await writeFile(path, oldStoreFile(old));
    const store = new FileTrackerStore(path);
    assert.deepEqual(await store.load(), old);
    await store.put(followedJob(3));
    assert.equal(await readFile(path, 'utf8'), oldStoreFile(old), 'the snapshot is left as it was');
    assert.deepEqual(await new FileTrackerStore(path).load(), [...old, followedJob(3)]);
  });

  it('writes a snapshot the previous version reads: version 1, the jobs', async function () {
    const store = new FileTrackerStore(path);
    await Promise.all([store.put(followedJob(1)), store.put(followedJob(2))]);
    const document = JSON.parse(await readFile(path, 'utf8')) as { version: number; jobs: FollowedJob[] };
    assert.equal(document.version, 1);
    assert.deepEqual(document.jobs, [followedJob(1), followedJob(2)]);
  });

  it('writes the same bytes per follow whether 10 or 3,000 jobs are followed', async function () {
    this.timeout(60_000);
    const store = new FileTrackerStore(path);
    await store.load();
    const perFollow = async (from: number, count: number): Promise<number> => {
      const before = store.bytesWritten;
      // One by one, each written before the next: the worst case for a store that rewrites the list.
      for (let i = from; i < from + count; i++) await store.put(followedJob(i));
      return (store.bytesWritten - before) / count;
    };
    const early = await perFollow(0, 100);
    await Promise.all(Array.from({ length: 2_900 }, (_, i) => store.put(followedJob(100 + i))));
    const late = await perFollow(3_000, 100);
    const oneJob = Buffer.byteLength(JSON.stringify(followedJob(3_000)));
    assert.ok(late <= 1.5 * oneJob, `${late.toFixed(0)} bytes per follow at 3,000 jobs; one job is ${oneJob}`);
    assert.ok(late <= 1.5 * early, `${late.toFixed(0)} bytes per follow at 3,000 jobs, ${early.toFixed(0)} at 10`);
    assert.equal((await new FileTrackerStore(path).load()).length, 3_100);
  });

  it('counts what it writes: the log grows by exactly the bytes counted', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(followedJob(0));
    const logSize = async (): Promise<number> => (await stat(store.logPath).catch(() => ({ size: 0 }))).size;
    const [bytesBefore, logBefore] = [store.bytesWritten, await logSize()];
    for (let i = 1; i <= 20; i++) await store.put(followedJob(i));
    await store.remove(followedJob(3).jobId);
    assert.equal(store.bytesWritten - bytesBefore, (await logSize()) - logBefore);
  });

  it('folds the log into a new snapshot once it outgrows it, so the files stay the size of what is followed', async function () {
    this.timeout(30_000);
    const store = new FileTrackerStore(path);
    await store.load();
    // Follow and end 3,000 jobs one after another: the log would hold 6,000 lines without folding.
    for (let i = 0; i < 3_000; i++) {
      await store.put(followedJob(i));
      await store.remove(followedJob(i).jobId);
    }
    await store.put(followedJob(9));
    const sizes = await Promise.all([stat(path), stat(store.logPath)].map((p) => p.then((s) => s.size, () => 0)));
    assert.ok(sizes[0]! + sizes[1]! < 300 * 1024, `${sizes.join(' + ')} bytes on disk for one job`);
    assert.deepEqual(await new FileTrackerStore(path).load(), [followedJob(9)]);
  });

  it('a crash inside an append leaves the list as it was before that change', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(followedJob(1));
    await store.put(followedJob(2));
    // Half a line: the write of job 3 was cut short by the crash.
    await appendFile(store.logPath, '{"seq":3,"put":{"jobId":"');
    const after = new FileTrackerStore(path);
    assert.deepEqual(await after.load(), [followedJob(1), followedJob(2)]);
    // The next write starts clean rather than gluing onto the torn line.
    await after.put(followedJob(4));
    assert.deepEqual(await new FileTrackerStore(path).load(), [followedJob(1), followedJob(2), followedJob(4)]);
  });

  it('a crash between a new snapshot and clearing the log does not replay old changes', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(followedJob(1));
    await store.put(followedJob(2));
    await store.remove(followedJob(1).jobId);
    // The files as that crash leaves them: the log of changes 1-3, and a snapshot that holds them
    // and change 4 (job 2 ended), written while change 4 waited to be appended.
    await writeFile(path, `${JSON.stringify({ version: 1, seq: 4, jobs: [] })}\n`);
    assert.deepEqual(await new FileTrackerStore(path).load(), [], 'replaying changes 1-3 would bring job 2 back');
  });

  it('a damaged line in the log is reported with what could be read, and the log moved aside', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(followedJob(1));
    await appendFile(store.logPath, 'not json\n');
    await store.put(followedJob(2)).catch(() => undefined);
    await appendFile(store.logPath, `${JSON.stringify({ seq: 99, put: followedJob(3) })}\n`);
    await assert.rejects(new FileTrackerStore(path).load(), (error: Error & { code?: string; recovered?: FollowedJob[] }) => {
      assert.equal(error.code, 'STORE_CORRUPT');
      assert.match(error.message, /log line \d is not JSON.*moved to .*jobs\.json\.log\.corrupt/);
      assert.deepEqual(error.recovered?.map((job) => job.jobId), [1, 2, 3].map((i) => followedJob(i).jobId));
      return true;
    });
    assert.ok((await readdir(folder)).includes('jobs.json.log.corrupt'));
  });

  it('a tracker resuming from a damaged store follows what could be read and writes it again', async function () {
    await writeFile(path, oldStoreFile([followedJob(1)]));
    await writeFile(`${path}.log`, `garbage\n${JSON.stringify({ seq: 1, put: followedJob(2) })}\n`);
    const tracker = new JobTracker({ client: new FakeClient(), intervalMs: 60_000, store: new FileTrackerStore(path) });
    const errors: string[] = [];
    tracker.on('error', (error) => errors.push((error as Error & { code?: string }).code ?? error.message));
    assert.deepEqual((await tracker.resume()).map((job) => job.jobId), [followedJob(1).jobId, followedJob(2).jobId]);
    await tracker.close();
    assert.deepEqual(errors, ['STORE_CORRUPT']);
    assert.deepEqual(await new FileTrackerStore(path).load(), [followedJob(1), followedJob(2)]);
  });

  it('removeFiles deletes the snapshot and the log', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(followedJob(1));
    await store.put(followedJob(2));
    await store.removeFiles();
    assert.deepEqual(await readdir(folder), []);
  });
});
