import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTrackerStore, TrackerStoreError, type FollowedJob } from '../../src/tracker';

const a: FollowedJob = { jobId: 'a', startedAt: 1 };
const b: FollowedJob = { jobId: 'b', startedAt: 2, timeoutMs: 60_000 };
const c: FollowedJob = { jobId: 'c', startedAt: 3, context: { nodeId: 'status-1', msg: { _msgid: 'm3' } } };
const d: FollowedJob = { jobId: 'd', startedAt: 4 };

const line = (change: object): string => `${JSON.stringify(change)}\n`;
const snapshot = (seq: number | undefined, jobs: unknown[]): string => `${JSON.stringify({ version: 1, seq, jobs })}\n`;

/** What load rejected with; fails when it resolved. */
async function loadError(store: FileTrackerStore): Promise<TrackerStoreError> {
  try {
    await store.load();
  } catch (error) {
    assert.ok(error instanceof TrackerStoreError, String(error));
    return error;
  }
  assert.fail('load resolved');
}

describe('FileTrackerStore: reading back after a restart', function () {
  let folder: string;
  let path: string;

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'c2d-file-store-recovery-'));
    path = join(folder, 'jobs.json');
  });

  afterEach(async function () {
    await rm(folder, { recursive: true, force: true });
  });

  /** The folder's files, in name order. */
  const files = async (): Promise<string[]> => (await readdir(folder)).sort();

  describe('change numbers', function () {
    it('goes on numbering after the last change of the log, and folds the log into a snapshot on the first write', async function () {
      await writeFile(`${path}.log`, line({ seq: 1, put: a }) + line({ seq: 2, put: b }) + line({ seq: 3, remove: 'a' }));
      const store = new FileTrackerStore(path);
      assert.deepEqual(await store.load(), [b]);
      await store.put(c);
      assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":4,"jobs":[${JSON.stringify(b)},${JSON.stringify(c)}]}\n`);
      assert.deepEqual(await files(), ['jobs.json']);
      await store.remove('b');
      assert.equal(await readFile(`${path}.log`, 'utf8'), '{"seq":5,"remove":"b"}\n');
      assert.deepEqual(await new FileTrackerStore(path).load(), [c]);
    });

    it('goes on numbering after the snapshot when the log holds nothing newer', async function () {
      await writeFile(path, snapshot(7, [a]));
      await writeFile(`${path}.log`, line({ seq: 6, put: b }) + line({ seq: 7, remove: 'b' }));
      const store = new FileTrackerStore(path);
      assert.deepEqual(await store.load(), [a]);
      await store.put(b);
      assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":8,"jobs":[${JSON.stringify(a)},${JSON.stringify(b)}]}\n`);
    });

    it('takes a log line numbered like the snapshot as already held by it', async function () {
      // The snapshot says it holds every change up to 3: line 3 is not applied again.
      await writeFile(path, snapshot(3, [a]));
      await writeFile(`${path}.log`, line({ seq: 2, put: b }) + line({ seq: 3, put: c }) + line({ seq: 4, put: d }));
      assert.deepEqual(await new FileTrackerStore(path).load(), [a, d]);
    });

    it('numbers from 1 after a snapshot with a negative change number', async function () {
      await writeFile(path, snapshot(-5, [a]));
      const store = new FileTrackerStore(path);
      assert.deepEqual(await store.load(), [a]);
      await store.put(b);
      assert.equal(await readFile(`${path}.log`, 'utf8'), line({ seq: 1, put: b }));
    });
  });

  it('a second load forgets what the store held and holds what is on disk', async function () {
    const store = new FileTrackerStore(path);
    await store.load();
    await store.put(a);
    await store.put(b);
    // Another run's files replace these: a snapshot and a log to fold in on the next write.
    await writeFile(path, snapshot(10, [c]));
    await writeFile(`${path}.log`, line({ seq: 11, put: d }));
    assert.deepEqual(await store.load(), [c, d]);
    await store.put(a);
    assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":12,"jobs":[${[c, d, a].map((job) => JSON.stringify(job)).join(',')}]}\n`);
    assert.deepEqual(await new FileTrackerStore(path).load(), [c, d, a]);
  });

  describe('a damaged store', function () {
    it('a snapshot that is not a list: reported, moved aside, and an empty list goes on', async function () {
      await writeFile(path, '{"version":1,"jobs":{}}');
      const store = new FileTrackerStore(path);
      const error = await loadError(store);
      assert.equal(error.name, 'TrackerStoreError');
      assert.equal(error.code, 'STORE_CORRUPT');
      assert.equal(error.path, path);
      assert.equal(error.message, `The job tracker file ${path} is not a list of followed jobs; it was moved to ${path}.corrupt; 0 followed job(s) could be read`);
      assert.deepEqual(error.recovered, []);
      assert.deepEqual(await files(), ['jobs.json.corrupt']);
      assert.equal(await readFile(`${path}.corrupt`, 'utf8'), '{"version":1,"jobs":{}}');
    });

    it('a damaged snapshot without a log: what could be read is written again on the next save, as a snapshot', async function () {
      await writeFile(path, snapshot(2, [a, { jobId: 'x', startedAt: 'yesterday' }]));
      const store = new FileTrackerStore(path);
      const error = await loadError(store);
      assert.equal(error.message, `The job tracker file ${path} jobs[1].startedAt: expected a time in ms, got "yesterday"; it was moved to ${path}.corrupt; 1 followed job(s) could be read`);
      assert.deepEqual(error.recovered, [a]);
      assert.deepEqual(await files(), ['jobs.json.corrupt']);
      await store.put(b);
      assert.deepEqual(await files(), ['jobs.json', 'jobs.json.corrupt'], 'no log beside a missing snapshot');
      assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":3,"jobs":[${JSON.stringify(a)},${JSON.stringify(b)}]}\n`);
      assert.deepEqual(await new FileTrackerStore(path).load(), [a, b]);
    });

    it('a damaged snapshot beside a good log: only the snapshot is moved aside, and the log is folded in', async function () {
      const logText = line({ seq: 2, put: b });
      await writeFile(path, snapshot(1, [{ jobId: 'x', startedAt: 'yesterday' }]));
      await writeFile(`${path}.log`, logText);
      const store = new FileTrackerStore(path);
      const error = await loadError(store);
      assert.equal(error.message, `The job tracker file ${path} jobs[0].startedAt: expected a time in ms, got "yesterday"; it was moved to ${path}.corrupt; 1 followed job(s) could be read`);
      assert.deepEqual(error.recovered, [b]);
      assert.deepEqual(await files(), ['jobs.json.corrupt', 'jobs.json.log']);
      assert.equal(await readFile(`${path}.log`, 'utf8'), logText);
      await store.put(c);
      assert.deepEqual(await files(), ['jobs.json', 'jobs.json.corrupt']);
      assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":3,"jobs":[${JSON.stringify(b)},${JSON.stringify(c)}]}\n`);
    });

    it('a damaged log beside a good snapshot: only the log is moved aside', async function () {
      const snapshotText = snapshot(2, [a]);
      await writeFile(path, snapshotText);
      await writeFile(`${path}.log`, line({ seq: 3, put: b }) + line({ seq: 4 }));
      const store = new FileTrackerStore(path);
      const error = await loadError(store);
      assert.equal(error.code, 'STORE_CORRUPT');
      assert.equal(error.message, `The job tracker file ${path} log line 2 is neither a put nor a remove; it was moved to ${path}.log.corrupt; 2 followed job(s) could be read`);
      assert.deepEqual(error.recovered, [a, b]);
      assert.deepEqual(await files(), ['jobs.json', 'jobs.json.log.corrupt']);
      assert.equal(await readFile(path, 'utf8'), snapshotText);
      await store.put(c);
      assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":4,"jobs":[${[a, b, c].map((job) => JSON.stringify(job)).join(',')}]}\n`);
    });

    it('both damaged: both moved aside, named in one message', async function () {
      const snapshotText = snapshot(undefined, [a, { jobId: 7 }]);
      const logText = `not json\n${line({ seq: 1, put: b })}`;
      await writeFile(path, snapshotText);
      await writeFile(`${path}.log`, logText);
      const error = await loadError(new FileTrackerStore(path));
      assert.equal(
        error.message,
        `The job tracker file ${path} jobs[1].jobId: expected the id compute-start returned, got 7; log line 1 is not JSON; it was moved to ${path}.corrupt and ${path}.log.corrupt; 2 followed job(s) could be read`,
      );
      assert.deepEqual(error.recovered, [a, b]);
      assert.deepEqual(await files(), ['jobs.json.corrupt', 'jobs.json.log.corrupt']);
      assert.equal(await readFile(`${path}.corrupt`, 'utf8'), snapshotText);
      assert.equal(await readFile(`${path}.log.corrupt`, 'utf8'), logText);
    });

    it('a damaged file that cannot be moved aside is reported without saying it was moved', async function () {
      await writeFile(path, 'not json');
      await mkdir(`${path}.corrupt`); // renaming a file over a folder fails
      const store = new FileTrackerStore(path);
      const error = await loadError(store);
      assert.equal(error.message, `The job tracker file ${path} is not JSON; 0 followed job(s) could be read`);
      assert.equal(await readFile(path, 'utf8'), 'not json');
      // It is not kept: the next save writes the list over it.
      await store.put(a);
      assert.equal(await readFile(path, 'utf8'), `{"version":1,"seq":1,"jobs":[${JSON.stringify(a)}]}\n`);
    });
  });

  describe('an unreadable store', function () {
    it('a snapshot that cannot be read', async function () {
      await mkdir(path);
      const error = await loadError(new FileTrackerStore(path));
      assert.equal(error.name, 'TrackerStoreError');
      assert.equal(error.code, 'STORE_UNREADABLE');
      assert.equal(error.path, path);
      assert.equal(error.message, `Could not read the followed jobs from ${path}: EISDIR: illegal operation on a directory, read`);
      assert.deepEqual(error.recovered, []);
      assert.match(String(error), /^TrackerStoreError: Could not read/);
    });

    it('a log that cannot be read is named; the error is the store\'s', async function () {
      await writeFile(path, snapshot(1, [a]));
      await mkdir(`${path}.log`);
      const error = await loadError(new FileTrackerStore(path));
      assert.equal(error.code, 'STORE_UNREADABLE');
      assert.equal(error.path, path);
      assert.equal(error.message, `Could not read the followed jobs from ${path}.log: EISDIR: illegal operation on a directory, read`);
    });
  });
});
