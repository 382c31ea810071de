import assert from 'node:assert/strict';
import { ContextSpendingStore } from '../../src/store/context-spending-store';
import { ContextTrackerStore } from '../../src/store/context-tracker-store';
import type { AsyncKeyValue } from '../../src/store/async-key-value';
import { fromKeyPart, jobKeys, keyPart } from '../../src/store/job-keys';
import { TrackerStoreError } from '../../src/tracker';
import { followedJob } from './fixtures';

/** A context store that keeps JSON text, as a persistent one does. */
function memoryValues(): AsyncKeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (key) => (data.has(key) ? (JSON.parse(data.get(key)!) as unknown) : undefined),
    set: async (key, value) => {
      if (value === undefined) data.delete(key);
      else data.set(key, JSON.stringify(value));
    },
    keys: async () => [...data.keys()],
  };
}

describe('the context job store', function () {
  it('puts, loads and removes one key per job under the connection\'s prefix, each under 1 KB', async function () {
    const values = memoryValues();
    const store = new ContextTrackerStore(values, jobKeys('cfg.1'), 'context store "file"');
    const jobs = [followedJob(1), followedJob(2), followedJob(3)];
    for (const job of jobs) await store.put(job);
    await values.set('someone-else', { a: 1 });
    assert.deepEqual((await store.load()).sort((a, b) => a.startedAt - b.startedAt), jobs);
    assert.ok([...values.data.keys()].filter((key) => key.startsWith('ocean-c2d:cfg%2E1:job:')).length === 3, 'one key per job, the dot escaped');
    const largest = Math.max(...[...values.data.values()].map((text) => Buffer.byteLength(text)));
    assert.ok(largest < 1024, `a job takes ${largest} bytes at rest`);
    await store.remove(jobs[1]!.jobId);
    await store.remove('never-saved');
    assert.deepEqual((await store.load()).map((job) => job.jobId).sort(), [jobs[0]!.jobId, jobs[2]!.jobId].sort());
    await store.removeAll();
    assert.deepEqual([...values.data.keys()], ['someone-else']);
  });

  it('another connection\'s jobs are not its own', async function () {
    const values = memoryValues();
    await new ContextTrackerStore(values, jobKeys('a'), 'x').put(followedJob(1));
    assert.deepEqual(await new ContextTrackerStore(values, jobKeys('b'), 'x').load(), []);
  });

  it('damaged entries are reported, each named, and the rest is recovered', async function () {
    const values = memoryValues();
    const store = new ContextTrackerStore(values, jobKeys('cfg'), 'context store "file"');
    const good = followedJob(1);
    await store.put(good);
    await values.set(jobKeys('cfg').job('bad'), { jobId: 'bad' });
    await values.set(jobKeys('cfg').job('worse'), 'text');
    await assert.rejects(store.load(), (error: unknown) => {
      assert.ok(error instanceof TrackerStoreError);
      assert.equal(error.code, 'STORE_CORRUPT');
      assert.equal(error.message, 'The followed jobs in context store "file": ocean-c2d:cfg:job:bad.startedAt: expected a time in ms, got nothing; '
        + 'ocean-c2d:cfg:job:worse: expected an object with jobId and startedAt, got "text"; 1 followed job(s) could be read');
      assert.equal(error.path, 'context store "file"');
      assert.deepEqual(error.recovered, [good]);
      return true;
    });
  });

  it('a context store that fails is named in the error, with its reason, for listing, saving and forgetting', async function () {
    const broken: AsyncKeyValue = {
      get: () => Promise.reject(new Error('disk gone')),
      set: () => Promise.reject(new Error('disk full')),
      keys: () => Promise.reject(new Error('disk gone')),
    };
    const store = new ContextTrackerStore(broken, jobKeys('cfg'), 'context store "file"');
    await assert.rejects(store.load(), { code: 'STORE_UNREADABLE', message: 'Could not list the followed jobs in context store "file": disk gone' });
    await assert.rejects(store.put({ jobId: 'j1', startedAt: 1 }), { code: 'STORE_WRITE_FAILED', message: 'Could not save job j1 to context store "file": disk full' });
    await assert.rejects(store.remove('j1'), { code: 'STORE_WRITE_FAILED', message: 'Could not forget job j1 in context store "file": disk full' });
  });

  it('keeps the spending entries under one key of the connection', async function () {
    const values = memoryValues();
    const spending = new ContextSpendingStore(values, jobKeys('cfg'), 'context store "file"');
    assert.deepEqual(await spending.load(), []);
    const entries = [{ at: 1, token: '0xabc', amount: '5', job: 'j1' }];
    await spending.save(entries);
    assert.deepEqual(await spending.load(), entries);
    assert.deepEqual(await values.get('ocean-c2d:cfg:spending'), { version: 1, entries });
    await values.set('ocean-c2d:cfg:spending', { version: 1 });
    await assert.rejects(spending.load(), { message: 'context store "file" key ocean-c2d:cfg:spending holds no list of entries' });
  });

  it('key parts escape everything but letters, digits, _ and -, and read back', function () {
    for (const text of ['0xab-12_CD', 'a.b[0]', 'ü:/ %']) {
      assert.match(keyPart(text), /^[A-Za-z0-9_%-]+$/);
      assert.equal(fromKeyPart(keyPart(text)), text);
    }
    assert.equal(keyPart('a\tb.ü'), 'a%09b%2E%C3%BC', 'each byte as two upper-case hex digits');
  });
});
