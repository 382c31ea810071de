import assert from 'node:assert/strict';
import { jobKeys } from '../../src/store/job-keys';
import { LeaseKeeper } from '../../src/store/redis/lease-keeper';
import { RedisTrackerStore } from '../../src/store/redis/tracker-store';
import { JobTracker } from '../../src/tracker';
import { FakeClient, job as status } from '../tracker/fake-client';
import { describeWithRedis, startRedisServer } from '../helpers/redis-server';
import { connectionsTo, fakeTracker, followedJob } from './fixtures';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('the Redis job store', function (redis) {
  const connect = connectionsTo(redis);
  const store = (owner: string, leaseMs = 400): RedisTrackerStore => new RedisTrackerStore({ redis: connect(), keys: jobKeys('cfg'), owner, leaseMs });

  it('puts, loads and removes one key per job, each under 1 KB at rest', async function () {
    const a = store('a');
    const jobs = [followedJob(1), followedJob(2)];
    for (const job of jobs) await a.put(job);
    assert.deepEqual((await a.load()).sort((x, y) => x.startedAt - y.startedAt), jobs);
    const raw = connect();
    const keys = jobKeys('cfg');
    const bytes = Number(await raw.command(['STRLEN', keys.job(jobs[0]!.jobId)])) + Number(await raw.command(['STRLEN', keys.lease(jobs[0]!.jobId)]));
    assert.ok(bytes < 1024, `a job takes ${bytes} bytes at rest (job and lease values)`);
    console.log(`      at rest in Redis: ${bytes} bytes per job (job JSON + lease)`);
    assert.deepEqual([...(await a.jobIds())].sort(), jobs.map((job) => job.jobId).sort());
    await a.remove(jobs[0]!.jobId);
    await a.remove('never-saved');
    assert.deepEqual((await a.load()).map((job) => job.jobId), [jobs[1]!.jobId]);
    assert.equal(await raw.command(['EXISTS', keys.job(jobs[0]!.jobId), keys.lease(jobs[0]!.jobId)]), 0, 'its job and lease keys are gone');
  });

  it('one owner at a time: a lapsed lease is adopted by exactly one of two instances, and the old owner learns it lost the job', async function () {
    const a = store('a');
    const b = store('b');
    const c = store('c');
    const job = followedJob(1);
    await a.put(job);
    assert.deepEqual(await b.adopt(), [], 'a live lease is not adopted');
    assert.deepEqual(await b.load(), [], 'nor loaded by another owner');
    // a renews for a while: nobody adopts.
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      assert.deepEqual(await a.renew([job.jobId]), []);
      assert.deepEqual([...(await b.adopt()), ...(await c.adopt())], []);
    }
    // a stops renewing: b and c race for it.
    await sleep(500);
    const [byB, byC] = await Promise.all([b.adopt(), c.adopt()]);
    assert.equal(byB.length + byC.length, 1, 'exactly one adopts it');
    const adopter = byB.length === 1 ? b : c;
    assert.deepEqual((byB.length === 1 ? byB : byC)[0], job, 'with everything saved with it');
    assert.deepEqual(await a.renew([job.jobId]), [job.jobId], 'a learns another instance owns it now');
    await a.remove(job.jobId);
    assert.deepEqual([...(await adopter.jobIds())], [job.jobId], 'a remove by the old owner leaves it to the new one');
    await adopter.remove(job.jobId);
    assert.deepEqual([...(await adopter.jobIds())], []);
  });

  it('a restarted instance gets its own jobs back at once; a lapsed lease it still follows is taken again', async function () {
    const a = store('a');
    const job = followedJob(1);
    await a.put(job);
    assert.deepEqual(await store('a').load(), [job], 'the same owner loads it while its lease runs');
    assert.deepEqual(await store('b').load(), []);
    await sleep(500);
    assert.deepEqual(await a.renew([job.jobId]), [], 'nobody took it: renewing takes it again');
    assert.deepEqual(await store('b').adopt(), []);
  });

  it('lease keepers: the living instance keeps its jobs; when it stops, one of the others adopts each job and follows it', async function () {
    const trackers = ['a', 'b', 'c'].map(() => fakeTracker());
    const keepers = trackers.map((tracker, i) => new LeaseKeeper({ store: store('abc'[i]!, 300), tracker, onError: (error) => assert.fail(error) }));
    const jobs = Array.from({ length: 6 }, (_, i) => followedJob(i));
    for (const job of jobs) {
      trackers[0]!.follow(job);
      await keepers[0]!['options'].store.put(job);
    }
    keepers.forEach((keeper) => keeper.start());
    await sleep(1_200);
    assert.equal(trackers[0]!.jobs.size, 6, 'a keeps its six');
    assert.equal(trackers[1]!.jobs.size + trackers[2]!.jobs.size, 0, 'nobody adopts a job whose lease is renewed');
    await keepers[0]!.close();
    const stoppedAt = Date.now();
    while (trackers[1]!.jobs.size + trackers[2]!.jobs.size < 6 && Date.now() - stoppedAt < 5_000) await sleep(20);
    const tookMs = Date.now() - stoppedAt;
    await Promise.all(keepers.map((keeper) => keeper.close()));
    const adopted = [...trackers[1]!.list(), ...trackers[2]!.list()].map((job) => job.jobId).sort();
    assert.deepEqual(adopted, jobs.map((job) => job.jobId).sort(), 'each job adopted by exactly one instance');
    console.log(`      adoption after the owner stopped: ${tookMs} ms with a 300 ms lease (b took ${trackers[1]!.jobs.size}, c took ${trackers[2]!.jobs.size})`);
  });

  for (const renewBeforePoll of [true, false]) {
    it(renewBeforePoll
      ? 'an instance that was paused past its lease renews before it polls: the job another instance adopted is not reported by both'
      : '(control) without the renewal before the poll, the paused instance reports the adopted job too', async function () {
      const fake = new FakeClient();
      fake.set(status('job-1', 40));
      const storeA = store('a', 300);
      const tracker: JobTracker = new JobTracker({ client: fake, intervalMs: 20, store: storeA, ...(renewBeforePoll ? { beforePoll: () => keeper.renewNow() } : {}) });
      const lost: string[][] = [];
      // Never started: its timer is what the pause holds up.
      const keeper: LeaseKeeper = new LeaseKeeper({ store: storeA, tracker, onError: (error) => assert.fail(error), onLost: (ids) => lost.push(ids) });
      const ends: string[] = [];
      tracker.on('done', (job) => ends.push(job.jobId));
      try {
        tracker.follow({ jobId: 'job-1', startedAt: Date.now() });
        tracker.hold();
        await sleep(50);
        assert.deepEqual((await store('b').load()).length, 0, 'a holds it');
        // a is paused past its lease: b adopts the job, which then ends.
        await sleep(400);
        const adopted = await store('b').adopt();
        assert.deepEqual(adopted.map((job) => job.jobId), ['job-1']);
        fake.set(status('job-1', 70));
        tracker.release();
        await sleep(200);
        if (renewBeforePoll) {
          assert.deepEqual(ends, [], 'a does not report it');
          assert.deepEqual(lost, [['job-1']], 'a learns b owns it');
          assert.equal(tracker.has('job-1'), false);
        } else {
          assert.deepEqual(ends, ['job-1'], 'a reports it, and b will too');
        }
      } finally {
        await keeper.close();
        await tracker.close();
      }
    });
  }

  it('Redis going away: commands fail at once, with one warning per outage; once it is back they work again, and the next outage is warned of too', async function () {
    const warnings: string[] = [];
    const connection = connect({ onError: (error) => warnings.push(error.message) });
    const a = new RedisTrackerStore({ redis: connection, keys: jobKeys('cfg'), owner: 'a', leaseMs: 5_000 });
    const job = followedJob(1);
    await a.put(job);
    await redis().stop();
    for (let i = 0; i < 5; i++) {
      const began = Date.now();
      await assert.rejects(a.renew([job.jobId]));
      assert.ok(Date.now() - began < 1_000, 'no command waits for the outage to end');
      await sleep(100);
    }
    assert.equal(warnings.length, 1, `one warning for the outage: ${warnings.join(' | ')}`);
    const back = await startRedisServer({ port: redis().port });
    try {
      let renewed = false;
      for (let i = 0; i < 50 && !renewed; i++) {
        renewed = await a.put(job).then(() => true, () => false);
        if (!renewed) await sleep(100);
      }
      assert.ok(renewed, 'the client reconnected by itself');
      assert.deepEqual(await a.renew([job.jobId]), []);
    } finally {
      await back.stop();
    }
    await assert.rejects(a.renew([job.jobId]));
    assert.equal(warnings.length, 2, `a second outage is warned of again: ${warnings.join(' | ')}`);
    assert.match(warnings[1]!, /^Redis: /);
  });

  it('an unreachable Redis is a clear error, not a hang', async function () {
    const connection = connect({ url: 'redis://:s3cret@127.0.0.1:1', connectWaitMs: 500, onError: (error) => assert.doesNotMatch(error.message, /s3cret/) });
    const unreachable = new RedisTrackerStore({ redis: connection, keys: jobKeys('cfg'), owner: 'a', leaseMs: 1000 });
    await assert.rejects(unreachable.put(followedJob(1)), (error: Error) => {
      assert.match(error.message, /Could not save job .* to Redis/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });
});
