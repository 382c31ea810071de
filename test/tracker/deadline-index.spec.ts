import assert from 'node:assert/strict';
import { DeadlineIndex } from '../../src/tracker/deadline-index';

/** A small seeded generator (mulberry32): the same sequence on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The heap's own entries, stale ones included: what the index holds in memory. */
const heapLength = (index: DeadlineIndex): number => (index as unknown as { heap: unknown[] }).heap.length;

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

  it('keeps the jobs that were not replaced when it drops the stale entries', function () {
    const index = new DeadlineIndex();
    index.set('kept', 1);
    index.set('other', 5);
    for (let round = 0; round < 200; round++) index.set('busy', 1_000 + round);
    assert.equal(index.earliest(), 1);
    assert.deepEqual(index.due(1_000), ['kept', 'other']);
    assert.deepEqual(index.due(2_000), ['kept', 'other', 'busy']);
    index.delete('kept');
    assert.equal(index.earliest(), 5);
    index.delete('other');
    assert.equal(index.earliest(), 1_199);
  });

  it('takes the earlier of two deadlines up when the earliest one goes', function () {
    const index = new DeadlineIndex();
    index.set('x', 10);
    index.set('a', 20);
    index.set('b', 30);
    index.set('c', 40);
    index.delete('x');
    assert.equal(index.earliest(), 20);
    index.delete('a');
    assert.equal(index.earliest(), 30);
    index.delete('b');
    assert.equal(index.earliest(), 40);
  });

  it('answers as a plain list of deadlines would, through random follows, replacements and ends', function () {
    for (let seed = 1; seed <= 30; seed++) {
      const next = random(seed);
      const index = new DeadlineIndex();
      const model = new Map<string, number>();
      for (let step = 0; step < 400; step++) {
        const jobId = `job-${Math.floor(next() * 25)}`;
        const roll = next();
        if (roll < 0.2) {
          index.delete(jobId);
          model.delete(jobId);
        } else if (roll < 0.3) {
          index.set(jobId, undefined);
          model.delete(jobId);
        } else {
          const deadline = Math.floor(next() * 300);
          index.set(jobId, deadline);
          model.set(jobId, deadline);
        }
        const deadlines = [...model.values()];
        const where = `seed ${seed}, step ${step}`;
        assert.equal(index.earliest(), deadlines.length === 0 ? undefined : Math.min(...deadlines), where);
        if (step % 7 === 0) {
          const time = Math.floor(next() * 300);
          const due = index.due(time);
          const expected = [...model].filter(([, deadline]) => deadline <= time);
          assert.deepEqual([...due].sort(), expected.map(([id]) => id).sort(), `${where}: due(${time})`);
          assert.deepEqual(
            due.map((id) => model.get(id)),
            expected.map(([, deadline]) => deadline).sort((a, b) => a - b),
            `${where}: earliest first`,
          );
        }
      }
    }
  });

  it('does not grow with replacements: stale entries never outnumber the live ones by much', function () {
    const index = new DeadlineIndex();
    for (let job = 0; job < 20; job++) index.set(`job-${job}`, job);
    for (let round = 0; round < 2_000; round++) {
      index.set(`job-${round % 3}`, 100 + round);
      assert.ok(heapLength(index) <= 2 * 20 + 33, `${heapLength(index)} entries for 20 jobs after ${round + 1} replacements`);
    }
    for (let job = 0; job < 20; job++) index.set(`job-${job}`, undefined);
    index.set('last', 1);
    assert.ok(heapLength(index) <= 2 + 33, `${heapLength(index)} entries for one job`);
  });

  it('does not walk every job on each replacement, whatever the number of jobs (a few heap entries written per set)', function () {
    for (const jobs of [1, 10, 32, 1_000]) {
      const index = new DeadlineIndex();
      const counted = index as unknown as { push(item: [number, string]): void };
      const push = counted.push.bind(index);
      let writes = 0;
      counted.push = (item) => {
        writes += 1;
        push(item);
      };
      const sets = Math.max(6 * jobs, 600);
      for (let set = 0; set < sets; set++) index.set(`job-${set % jobs}`, set);
      assert.ok(writes <= 3 * sets, `${writes} heap entries written for ${sets} sets of ${jobs} jobs`);
      assert.equal(index.earliest(), sets - jobs);
    }
  });
});
