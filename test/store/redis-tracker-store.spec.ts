import assert from 'node:assert/strict';
import { jobKeys } from '../../src/store/job-keys';
import { RENEW_LEASES } from '../../src/store/redis/scripts';
import { RedisTrackerStore } from '../../src/store/redis/tracker-store';
import { TrackerStoreError } from '../../src/tracker';
import { describeWithRedis } from '../helpers/redis-server';
import { connectionsTo, followedJob, recordingCommands } from './fixtures';

const keys = jobKeys('cfg');

describe('the Redis job store\'s settings', function () {
  const make = (owner: unknown, leaseMs: unknown): RedisTrackerStore =>
    new RedisTrackerStore({ redis: { command: () => Promise.reject(new Error('unused')) }, keys, owner: owner as string, leaseMs: leaseMs as number });

  it('refuses an owner that is blank, not text or over 200 characters, and a lease under 100 ms or not whole', function () {
    const owner = 'owner: expected a name of this instance, 1 to 200 characters, got';
    const lease = 'leaseMs: expected a whole number of ms of 100 or more, got';
    const refused: Array<[unknown, unknown, string]> = [
      ['', 1000, `${owner} an empty string`],
      ['   ', 1000, `${owner} "   "`],
      ['x'.repeat(201), 1000, `${owner} a 201-character string`],
      [7, 1000, `${owner} 7`],
      ['a', 99, `${lease} 99`],
      ['a', 150.5, `${lease} 150.5`],
      ['a', '500', `${lease} "500"`],
    ];
    for (const [name, ms, message] of refused) assert.throws(() => make(name, ms), { code: 'INVALID_CONFIG', message });
    const widest = make(` ${'x'.repeat(200)} `, 100);
    assert.equal(widest.owner, 'x'.repeat(200), 'the name is trimmed');
    assert.equal(widest.leaseMs, 100);
  });
});

describeWithRedis('the Redis job store, at its edges', function (redis) {
  const connect = connectionsTo(redis);

  it('a job\'s lease key, under the connection\'s prefix, names its owner', async function () {
    const raw = connect();
    const store = new RedisTrackerStore({ redis: raw, keys, owner: ' node-red-1 ', leaseMs: 5_000 });
    const job = followedJob(1);
    await store.put(job);
    assert.equal(keys.lease(job.jobId).startsWith('ocean-c2d:cfg:lease:0x5e5e'), true);
    assert.equal(await raw.command(['GET', keys.lease(job.jobId)]), 'node-red-1');
    assert.deepEqual(JSON.parse(String(await raw.command(['GET', keys.job(job.jobId)]))), job);
  });

  it('renews a thousand and one leases in three batches, and names every job another instance owns', async function () {
    const jobs = Array.from({ length: 1001 }, (_, i) => followedJob(i));
    const b = new RedisTrackerStore({ redis: connect(), keys, owner: 'b', leaseMs: 60_000 });
    for (const job of jobs) await b.put(job);
    const wire = recordingCommands(connect());
    const a = new RedisTrackerStore({ redis: wire, keys, owner: 'a', leaseMs: 60_000 });
    const ids = jobs.map((job) => job.jobId);
    assert.deepEqual(await a.renew(ids), ids, 'every one is b\'s');
    const renewals = wire.sent.filter((args) => args[1] === RENEW_LEASES);
    assert.deepEqual(renewals.map((args) => args.length - 6), [500, 500, 1], 'job ids per script run');
    wire.sent.length = 0;
    assert.deepEqual(await a.renew(ids.slice(0, 1000)), ids.slice(0, 1000));
    assert.equal(wire.sent.length, 2, 'a thousand take two runs, not three');
    assert.deepEqual(await b.renew(ids), [], 'b still owns them all');
  });

  it('adopting never takes a job this instance holds a live lease on', async function () {
    const a = new RedisTrackerStore({ redis: connect(), keys, owner: 'a', leaseMs: 60_000 });
    await a.put(followedJob(1));
    assert.deepEqual(await a.adopt(), []);
  });

  it('when Redis cannot be asked, saving, forgetting and loading each fail with their own code and the reason', async function () {
    const closed = connect();
    await closed.close();
    const store = new RedisTrackerStore({ redis: closed, keys, owner: 'a', leaseMs: 1_000 });
    await assert.rejects(store.put(followedJob(1)), (error: unknown) => {
      assert.ok(error instanceof TrackerStoreError);
      assert.equal(error.code, 'STORE_WRITE_FAILED');
      assert.match(error.message, /^Could not save job 0x5e5e\S+ to Redis: the Redis connection is closed$/);
      assert.equal(error.path, 'redis');
      return true;
    });
    await assert.rejects(store.remove('job-7'), { code: 'STORE_WRITE_FAILED', message: 'Could not forget job job-7 in Redis: the Redis connection is closed' });
    await assert.rejects(store.load(), { code: 'STORE_UNREADABLE', message: 'Could not read the followed jobs from Redis: the Redis connection is closed' });
    await assert.rejects(store.adopt(), { code: 'STORE_UNREADABLE' });
  });

  it('damaged entries are named, and the jobs that could be read are handed back', async function () {
    const raw = connect();
    const store = new RedisTrackerStore({ redis: raw, keys, owner: 'a', leaseMs: 60_000 });
    const good = followedJob(1);
    await store.put(good);
    for (const [part, text] of [['zz-broken', '{not json'], ['zz-partial', JSON.stringify({ jobId: 'zz-partial' })]]) {
      await raw.command(['SET', `${keys.prefix}job:${part}`, text!]);
      await raw.command(['SADD', keys.index, part!]);
    }
    await assert.rejects(store.load(), (error: unknown) => {
      assert.ok(error instanceof TrackerStoreError);
      assert.equal(error.code, 'STORE_CORRUPT');
      const problems = error.message.replace(/^The followed jobs in Redis: /, '').replace(/; 1 could be read$/, '').split('; ').sort();
      assert.equal(problems.length, 2, error.message);
      assert.ok(problems.some((text) => /^redis jobs\[\d\] is not JSON$/.test(text)), error.message);
      assert.ok(problems.some((text) => /^redis jobs\[\d\]\.startedAt: expected a time in ms, got nothing$/.test(text)), error.message);
      assert.match(error.message, /^The followed jobs in Redis: .+; .+; 1 could be read$/);
      assert.equal(error.path, 'redis');
      assert.deepEqual(error.recovered, [good]);
      return true;
    });
  });
});
