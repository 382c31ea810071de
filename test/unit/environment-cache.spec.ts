import assert from 'node:assert/strict';
import { EnvironmentCache } from '../../src/ocean/environment-cache';
import type { ComputeEnvironment } from '../../src/ocean/environments';

const list = (id: string): ComputeEnvironment[] => [{ id } as ComputeEnvironment];

/** A fetch that answers a fresh list per call (or fails when told to), counting calls. */
function countingFetch(): { fetch: () => Promise<ComputeEnvironment[]>; calls: () => number; failNext(error: Error): void } {
  let calls = 0;
  let failure: Error | undefined;
  return {
    fetch: async () => {
      calls++;
      const error = failure;
      failure = undefined;
      if (error) throw error;
      return list(`list-${calls}`);
    },
    calls: () => calls,
    failNext: (error) => {
      failure = error;
    },
  };
}

describe('EnvironmentCache: one environment list shared by callers that pick at once', function () {
  it('sends one request for callers that ask while it is in flight, and hands each the same list', async function () {
    const backend = countingFetch();
    const cache = new EnvironmentCache(backend.fetch, 5000, () => 0);
    const answers = await Promise.all([cache.get(), cache.get(), cache.get()]);
    assert.equal(backend.calls(), 1);
    assert.equal(answers[0], answers[1]);
    assert.equal(answers[1], answers[2]);
  });

  it('reuses the list up to its maximum age exactly, and asks again after', async function () {
    let now = 1000;
    const backend = countingFetch();
    const cache = new EnvironmentCache(backend.fetch, 5000, () => now);
    const first = await cache.get();
    now = 6000;
    assert.equal(await cache.get(), first);
    assert.equal(backend.calls(), 1);
    now = 6001;
    const second = await cache.get();
    assert.equal(backend.calls(), 2);
    assert.equal(second[0]!.id, 'list-2');
    // The age counts from when the new list arrived.
    now = 11_001;
    assert.equal(await cache.get(), second);
    assert.equal(backend.calls(), 2);
  });

  it('keeps a list for 5 s by default', async function () {
    let now = 0;
    const backend = countingFetch();
    const cache = new EnvironmentCache(backend.fetch, undefined, () => now);
    await cache.get();
    now = 5000;
    await cache.get();
    assert.equal(backend.calls(), 1);
    now = 5001;
    await cache.get();
    assert.equal(backend.calls(), 2);
  });

  it('keeps nothing from a failed request: every waiting caller sees the failure, the next asks again', async function () {
    const backend = countingFetch();
    const cache = new EnvironmentCache(backend.fetch, 5000, () => 0);
    const failure = new Error('backend down');
    backend.failNext(failure);
    const results = await Promise.allSettled([cache.get(), cache.get()]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason === failure));
    assert.equal(backend.calls(), 1);
    assert.equal((await cache.get())[0]!.id, 'list-2');
    assert.equal(backend.calls(), 2);
  });

  it('asks again after forget(), though the list is young', async function () {
    const backend = countingFetch();
    const cache = new EnvironmentCache(backend.fetch, 5000, () => 0);
    await cache.get();
    cache.forget();
    assert.equal((await cache.get())[0]!.id, 'list-2');
    assert.equal(backend.calls(), 2);
    // A request in flight is still shared after it.
    cache.forget();
    await Promise.all([cache.get(), cache.get()]);
    assert.equal(backend.calls(), 3);
  });

  it('uses the wall clock by default', async function () {
    const backend = countingFetch();
    const cache = new EnvironmentCache(backend.fetch);
    await cache.get();
    await cache.get();
    assert.equal(backend.calls(), 1);
  });
});
