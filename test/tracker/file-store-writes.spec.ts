import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTrackerStore, TrackerStoreError, type FollowedJob } from '../../src/tracker';

/** The size the log may reach before it is folded into a snapshot, when the snapshot is smaller. */
const MIN_LOG_BYTES = 256 * 1024;

const a: FollowedJob = { jobId: 'a', startedAt: 1 };
const b: FollowedJob = { jobId: 'b', startedAt: 2, timeoutMs: 60_000 };
const c: FollowedJob = { jobId: 'c', startedAt: 3, context: { nodeId: 'status-1', msg: { _msgid: 'm3' } } };
const d: FollowedJob = { jobId: 'd', startedAt: 4 };

const putLine = (seq: number, job: FollowedJob): string => `{"seq":${seq},"put":${JSON.stringify(job)}}\n`;
const snapshotOf = (seq: number, jobs: FollowedJob[]): string => `{"version":1,"seq":${seq},"jobs":[${jobs.map((job) => JSON.stringify(job)).join(',')}]}\n`;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A job of about 1 KB; `version` changes what is saved, never its size. */
function bigJob(index: number, version: number): FollowedJob {
  return { jobId: `job-${String(index).padStart(4, '0')}`, startedAt: 1_000_000 * version + index, context: { pad: 'x'.repeat(1_000) } };
}

describe('FileTrackerStore: what it writes', function () {
  let folder: string;
  let path: string;

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'c2d-file-store-writes-'));
    path = join(folder, 'jobs.json');
  });

  afterEach(async function () {
    await rm(folder, { recursive: true, force: true });
  });

  const files = async (under = folder): Promise<string[]> => (await readdir(under)).sort();
  const sizeOf = async (file: string): Promise<number> => (await stat(file)).size;

  it('refuses a path that is not a non-blank string, naming it', function () {
    const refused = (value: unknown, got: string): void => {
      assert.throws(() => new FileTrackerStore(value as string), {
        name: 'OceanError',
        code: 'INVALID_CONFIG',
        message: `path: expected the path of the job tracker file, got ${got}`,
      });
    };
    refused('', 'an empty string');
    refused('   ', '"   "');
    refused('\t\n', '"\\t\\n"');
    refused(undefined, 'nothing');
    refused(42, '42');
    const store = new FileTrackerStore(' jobs.json');
    assert.equal(store.path, ' jobs.json');
    assert.equal(store.logPath, ' jobs.json.log');
  });

  it('the first write is a snapshot, later ones log lines; both owner-only, and every byte counted', async function () {
    const store = new FileTrackerStore(path);
    assert.equal(store.bytesWritten, 0);
    await store.put(a);
    assert.deepEqual(await files(), ['jobs.json']);
    assert.equal(await readFile(path, 'utf8'), snapshotOf(1, [a]));
    assert.equal(store.bytesWritten, Buffer.byteLength(snapshotOf(1, [a])));
    await store.put(b);
    await store.remove('a');
    assert.equal(await readFile(`${path}.log`, 'utf8'), `${putLine(2, b)}{"seq":3,"remove":"a"}\n`);
    assert.equal(store.bytesWritten, (await sizeOf(path)) + (await sizeOf(`${path}.log`)));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(`${path}.log`)).mode & 0o777, 0o600);
    assert.deepEqual(await new FileTrackerStore(path).load(), [b]);
  });

  it('lets the log grow to the size of the snapshot when that is over 256 KiB, and no further', async function () {
    this.timeout(60_000);
    const store = new FileTrackerStore(path);
    await store.load();
    const first = Array.from({ length: 400 }, (_, i) => bigJob(i, 1));
    const snapshotBytes = Buffer.byteLength(snapshotOf(400, first));
    assert.ok(snapshotBytes > MIN_LOG_BYTES + 100_000, `${snapshotBytes} bytes`);
    // More bytes of log lines than the list holds: written as a snapshot.
    await Promise.all(first.map((job) => store.put(job)));
    assert.deepEqual(await files(), ['jobs.json']);
    assert.equal(await readFile(path, 'utf8'), snapshotOf(400, first));
    // 300 of the jobs saved again: more than 256 KiB of log, less than the snapshot.
    const second = Array.from({ length: 300 }, (_, i) => bigJob(i, 2));
    const logText = second.map((job, i) => putLine(401 + i, job)).join('');
    assert.ok(Buffer.byteLength(logText) > MIN_LOG_BYTES && Buffer.byteLength(logText) < snapshotBytes);
    await Promise.all(second.map((job) => store.put(job)));
    assert.deepEqual(await files(), ['jobs.json', 'jobs.json.log']);
    assert.equal(await readFile(`${path}.log`, 'utf8'), logText);
    assert.equal(await readFile(path, 'utf8'), snapshotOf(400, first), 'the snapshot is left as it was');
    assert.equal(store.bytesWritten, snapshotBytes + Buffer.byteLength(logText));
    // 100 more: the log would outgrow the snapshot, so both are folded into a new snapshot.
    const third = Array.from({ length: 100 }, (_, i) => bigJob(300 + i, 3));
    await Promise.all(third.map((job) => store.put(job)));
    assert.deepEqual(await files(), ['jobs.json']);
    assert.equal(await readFile(path, 'utf8'), snapshotOf(800, [...second, ...third]));
    assert.deepEqual(await new FileTrackerStore(path).load(), [...second, ...third]);
  });

  it('folds the log once it would pass exactly 256 KiB', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(a);
    const first = putLine(1, a);
    const padded = (pad: number): FollowedJob => ({ jobId: 'b', startedAt: 2, context: { pad: 'x'.repeat(pad) } });
    // Job b padded so that the log reaches 256 KiB to the byte.
    const pad = MIN_LOG_BYTES - first.length - putLine(2, padded(0)).length;
    const big = padded(pad);
    assert.equal(first.length + putLine(2, big).length, MIN_LOG_BYTES);
    await store.put(big);
    assert.deepEqual(await files(), ['jobs.json.log']);
    assert.equal(await sizeOf(`${path}.log`), MIN_LOG_BYTES);
    assert.equal(await readFile(`${path}.log`, 'utf8'), first + putLine(2, big));
    // One byte more would pass it: a new snapshot instead.
    await store.remove('a');
    assert.deepEqual(await files(), ['jobs.json']);
    assert.equal(await readFile(path, 'utf8'), snapshotOf(3, [big]));
    assert.deepEqual(await new FileTrackerStore(path).load(), [big]);
  });

  it('closes the log after each append', async function () {
    if (!existsSync('/proc/self/fd')) this.skip();
    const store = new FileTrackerStore(path);
    await store.load();
    for (const job of [a, b, c, d]) await store.put(job);
    assert.deepEqual(await files(), ['jobs.json.log']);
    const log = await realpath(`${path}.log`);
    const open: string[] = [];
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target === log) open.push(fd);
    }
    assert.deepEqual(open, [], 'file descriptors still open on the log');
  });

  describe('a folder removed under a running store', function () {
    beforeEach(function () {
      path = join(folder, 'state', 'jobs.json');
    });

    it('after a snapshot: the next save fails, named, and the one after writes the whole list again', async function () {
      const store = new FileTrackerStore(path);
      await store.put(a);
      assert.deepEqual(await files(join(folder, 'state')), ['jobs.json']);
      await rm(join(folder, 'state'), { recursive: true });
      // Appending to a new log in a new folder would leave a log without its snapshot: job a lost.
      await assert.rejects(store.put(b), {
        name: 'TrackerStoreError',
        code: 'STORE_WRITE_FAILED',
        path,
        message: `Could not save the followed jobs to ${path}: ENOENT: no such file or directory, open '${path}.log'`,
      });
      await store.put(c);
      assert.deepEqual(await files(join(folder, 'state')), ['jobs.json']);
      assert.equal(await readFile(path, 'utf8'), snapshotOf(3, [a, b, c]));
      assert.deepEqual(await new FileTrackerStore(path).load(), [a, b, c]);
    });

    it('after a log line: the same', async function () {
      const store = new FileTrackerStore(path);
      await store.load();
      await store.put(a);
      assert.deepEqual(await files(join(folder, 'state')), ['jobs.json.log']);
      await rm(join(folder, 'state'), { recursive: true });
      await assert.rejects(store.put(b), { code: 'STORE_WRITE_FAILED', message: `Could not save the followed jobs to ${path}: ENOENT: no such file or directory, open '${path}.log'` });
      await store.put(c);
      assert.deepEqual(await files(join(folder, 'state')), ['jobs.json']);
      assert.equal(await readFile(path, 'utf8'), snapshotOf(3, [a, b, c]));
    });
  });

  it('a failed save names the file and why', async function () {
    await mkdir(path); // renaming the new snapshot over a folder fails
    const store = new FileTrackerStore(path);
    await assert.rejects(store.put(a), (error: unknown) => {
      assert.ok(error instanceof TrackerStoreError);
      assert.equal(error.name, 'TrackerStoreError');
      assert.equal(error.code, 'STORE_WRITE_FAILED');
      assert.equal(error.path, path);
      assert.deepEqual(error.recovered, []);
      const p = escape(path);
      assert.match(error.message, new RegExp(`^Could not save the followed jobs to ${p}: EISDIR: illegal operation on a directory, rename '${p}\\.[0-9a-f]{12}\\.tmp' -> '${p}'$`));
      return true;
    });
    assert.deepEqual(await files(), ['jobs.json'], 'no temp file left behind');
  });

  it('a failed save nobody awaits is no unhandled rejection', async function () {
    await mkdir(path);
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', listener);
    try {
      const store = new FileTrackerStore(path);
      const ignored = store.put(a);
      // load waits for the write, then reads (and fails to: the path is a folder).
      await assert.rejects(store.load(), { code: 'STORE_UNREADABLE' });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
      // Whoever does await it still sees the failure.
      await assert.rejects(ignored, { code: 'STORE_WRITE_FAILED' });
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('removeFiles: with no log beside the snapshot, and with nothing on disk', async function () {
    const store = new FileTrackerStore(path);
    await store.put(a);
    assert.deepEqual(await files(), ['jobs.json']);
    await store.removeFiles();
    assert.deepEqual(await files(), []);
    await store.removeFiles();
    await new FileTrackerStore(join(folder, 'never', 'jobs.json')).removeFiles();
    assert.deepEqual(await files(), []);
  });
});
