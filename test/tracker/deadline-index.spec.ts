import assert from 'node:assert/strict';
import { DeadlineIndex } from '../../src/tracker/deadline-index';

describe('DeadlineIndex: follow deadlines without walking every job', function () {
  it('answers the earliest live deadline, past replaced and removed ones', function () {
    const index = new DeadlineIndex();
    assert.equal(index.earliest(), undefined);
    index.set('a', 30);
    index.set('b', 10);
    index.set('c', 20);
    assert.equal(index.earliest(), 10);
    index.set('b', 40); // followed again with a later deadline
    assert.equal(index.earliest(), 20);
    index.delete('c');
    assert.equal(index.earliest(), 30);
    index.set('a', undefined); // followed again without a timeout
    assert.equal(index.earliest(), 40);
    index.delete('b');
    assert.equal(index.earliest(), undefined);
  });

  it('lists the jobs due at a time, earliest first, each once, and leaves them in place', function () {
    const index = new DeadlineIndex();
    for (const [jobId, deadline] of [['e', 50], ['a', 10], ['d', 40], ['b', 20], ['c', 30]] as const) index.set(jobId, deadline);
    index.set('b', 25);
    index.set('d', 45);
    index.delete('e');
    assert.deepEqual(index.due(30), ['a', 'b', 'c']);
    assert.deepEqual(index.due(30), ['a', 'b', 'c'], 'asking does not take them out');
    assert.deepEqual(index.due(5), []);
    assert.deepEqual(index.due(1_000), ['a', 'b', 'c', 'd']);
  });

  it('stays right through many replacements (stale entries are dropped as the heap is rebuilt)', function () {
    const index = new DeadlineIndex();
    for (let round = 0; round < 50; round++) {
      for (let job = 0; job < 20; job++) index.set(`job-${job}`, 1_000 - round * 10 + job);
    }
    assert.equal(index.earliest(), 1_000 - 49 * 10);
    assert.deepEqual(index.due(1_000 - 49 * 10 + 2), ['job-0', 'job-1', 'job-2']);
  });
});
