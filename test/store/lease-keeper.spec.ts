import assert from 'node:assert/strict';
import { jobKeys } from '../../src/store/job-keys';
import { LeaseKeeper } from '../../src/store/redis/lease-keeper';
import { RedisTrackerStore } from '../../src/store/redis/tracker-store';
import type { FollowedJob } from '../../src/tracker';
import { describeWithRedis, startRedisServer } from '../helpers/redis-server';
import { until } from '../helpers/until';
import { connectionsTo, fakeTracker, followedJob, type FakeTracker } from './fixtures';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const keys = jobKeys('cfg');

/** A gate a test opens by hand: store calls wait at it while it is shut. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private openIt = (): void => undefined;
  shut(): void {
    this.opened = new Promise((resolve) => (this.openIt = resolve));
  }
  open(): void {
    this.openIt();
  }
  pass(): Promise<void> {
    return this.opened;
  }
}

/** The real store, with its renewals and adoptions counted, and held at a gate when a test says so. */
class WatchedStore extends RedisTrackerStore {
  renewals = 0;
  renewed = 0;
  adoptions = 0;
  /** R for each renewal, A for each adoption, in order. */
  calls = '';
  inFlight = 0;
  mostInFlight = 0;
  readonly renewGate = new Gate();
  readonly adoptGate = new Gate();
  adoptAnswer?: FollowedJob[];

  override async renew(jobIds: string[]): Promise<string[]> {
    this.renewals++;
    this.calls += 'R';
    this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
    try {
      await this.renewGate.pass();
      const lost = await super.renew(jobIds);
      this.renewed++;
      return lost;
    } finally {
      this.inFlight--;
    }
  }

  override async adopt(max?: number): Promise<FollowedJob[]> {
    this.adoptions++;
    this.calls += 'A';
    await this.adoptGate.pass();
    return this.adoptAnswer ?? super.adopt(max);
  }
}

describeWithRedis('the lease keeper', function (redis) {
  const keepers: LeaseKeeper[] = [];
  // Registered first, so that the keepers stop before their connections close.
  afterEach(async function () {
    await Promise.all(keepers.splice(0).map((k) => k.close()));
  });
  const connect = connectionsTo(redis);
  const store = (owner: string, leaseMs: number): WatchedStore => new WatchedStore({ redis: connect(), keys, owner, leaseMs });
  interface Told { errors: string[]; lost: string[][]; adopted: string[][] }
  const keeper = (watched: WatchedStore, tracker: FakeTracker): { keeper: LeaseKeeper; told: Told } => {
    const told: Told = { errors: [], lost: [], adopted: [] };
    const made = new LeaseKeeper({
      store: watched,
      tracker,
      onError: (error) => told.errors.push(error.message),
      onLost: (jobIds) => told.lost.push(jobIds),
      onAdopt: (jobs) => told.adopted.push(jobs.map((job) => job.jobId)),
    });
    keepers.push(made);
    return { keeper: made, told };
  };

  it('runs one round at a time, a third of a lease apart, adopting at every other round, and tells nothing when nothing changed', async function () {
    const watched = store('a', 600);
    const tracker = fakeTracker();
    const job = followedJob(1);
    tracker.follow(job);
    await watched.put(job);
    const { keeper: k, told } = keeper(watched, tracker);
    watched.renewGate.shut();
    k.start();
    k.start();
    await sleep(30);
    assert.equal(watched.renewals, 1, 'a second start while a round runs starts nothing');
    watched.renewGate.open();
    const began = Date.now();
    await sleep(1_000);
    await k.close();
    const rounds = watched.renewals;
    // Rounds 200 ms apart (600 ms / 3): about 6 in the second after the first; fewer under load.
    assert.ok(rounds >= 3 && rounds <= 7, `${rounds} rounds in ${Date.now() - began} ms`);
    assert.equal(watched.mostInFlight, 1, 'never two renewals at once');
    // An adoption right after the first renewal, then after every other one; a round cut short by close renews only.
    assert.match(watched.calls, /^RA(RRA)*R{0,2}$/);
    assert.deepEqual(told, { errors: [], lost: [], adopted: [] });
    assert.deepEqual(tracker.list(), [job]);
  });

  it('close waits for the round in flight and then runs none, whether it came during a round or between two', async function () {
    const watched = store('a', 300);
    const { keeper: during } = keeper(watched, fakeTracker());
    watched.renewGate.shut();
    during.start();
    let closed = false;
    const closing = during.close().then(() => (closed = true));
    await sleep(50);
    assert.equal(closed, false, 'close waits for the round');
    watched.renewGate.open();
    await closing;
    await sleep(300);
    assert.equal(watched.renewals, 1, 'no round after close');
    assert.equal(watched.adoptions, 0, 'the round in flight adopts nothing once closed');

    const other = store('b', 300);
    const { keeper: between } = keeper(other, fakeTracker());
    between.start();
    await until(() => other.renewed === 1 && other.inFlight === 0, 'the first round', 2_000);
    await sleep(20);
    await between.close();
    const seen = other.renewals;
    await sleep(300);
    assert.equal(other.renewals, seen, 'the armed timer was cleared');
    await between.renewNow();
    assert.equal(other.renewals, seen, 'renewNow after close asks nothing');
  });

  it('stops when its tracker has closed, and renewNow then asks nothing', async function () {
    const watched = store('a', 300);
    const tracker = fakeTracker();
    const { keeper: k } = keeper(watched, tracker);
    k.start();
    await until(() => watched.renewed >= 1, 'the first round', 2_000);
    tracker.closed = true;
    const seen = watched.renewals;
    await sleep(350);
    assert.ok(watched.renewals <= seen + 1, `at most the round under way: ${watched.renewals - seen} more`);
    const after = watched.renewals;
    await k.renewNow();
    assert.equal(watched.renewals, after);
  });

  it('a job another instance took is unfollowed and told of, unless the keeper closed while Redis answered', async function () {
    const job = followedJob(1);
    const b = store('b', 60_000);
    await b.put(job);

    const watched = store('a', 300);
    const tracker = fakeTracker();
    tracker.follow(job);
    const { keeper: k, told } = keeper(watched, tracker);
    watched.renewGate.shut();
    k.start();
    await sleep(30);
    const closing = k.close();
    watched.renewGate.open();
    await closing;
    assert.deepEqual(told.lost, [], 'a closed keeper changes nothing');
    assert.equal(tracker.has(job.jobId), true);

    const again = store('a', 300);
    const { keeper: open, told: toldOpen } = keeper(again, tracker);
    await open.renewNow();
    assert.deepEqual(toldOpen.lost, [[job.jobId]]);
    assert.equal(tracker.has(job.jobId), false);
  });

  it('adopts only jobs its tracker does not follow, tells of them once, and nothing once it closed meanwhile', async function () {
    const known = followedJob(1);
    const orphan = followedJob(2);
    const watched = store('a', 300);
    const tracker = fakeTracker();
    tracker.follow(known);
    watched.adoptAnswer = [known, orphan];
    const { keeper: k, told } = keeper(watched, tracker);
    k.start();
    await until(() => told.adopted.length === 1, 'the adoption', 2_000);
    assert.deepEqual(told.adopted, [[orphan.jobId]]);
    assert.deepEqual([...tracker.jobs.keys()].sort(), [known.jobId, orphan.jobId].sort());
    await k.close();

    const late = followedJob(3);
    const other = store('b', 300);
    const otherTracker = fakeTracker();
    other.adoptAnswer = [late];
    other.adoptGate.shut();
    const { keeper: closing, told: toldClosing } = keeper(other, otherTracker);
    closing.start();
    await until(() => other.adoptions === 1, 'the adoption to begin', 2_000);
    const closed = closing.close();
    other.adoptGate.open();
    await closed;
    assert.deepEqual(toldClosing.adopted, []);
    assert.equal(otherTracker.jobs.size, 0, 'a closed keeper follows nothing more');
  });

  it('a Redis that cannot be reached from the start is reported once', async function () {
    const connection = connect({ connectWaitMs: 100 });
    await redis().stop();
    const watched = new WatchedStore({ redis: connection, keys, owner: 'a', leaseMs: 300 });
    const tracker = fakeTracker();
    tracker.follow(followedJob(1));
    const { keeper: k, told } = keeper(watched, tracker);
    k.start();
    await until(() => watched.renewals >= 3, 'three rounds', 3_000);
    assert.deepEqual(told.errors, ['Redis did not answer within 100 ms']);
  });

  it('a Redis outage is reported once, and the next outage once more', async function () {
    const watched = store('a', 300);
    const tracker = fakeTracker();
    tracker.follow(followedJob(1));
    const { keeper: k, told } = keeper(watched, tracker);
    k.start();
    await until(() => watched.renewed >= 1, 'the first round', 2_000);
    const port = redis().port;
    let server: { stop(): Promise<void> } = redis();
    try {
      for (let outage = 1; outage <= 2; outage++) {
        await server.stop();
        await until(() => told.errors.length === outage, `outage ${outage} reported`, 3_000);
        const failedRounds = watched.renewals;
        await until(() => watched.renewals >= failedRounds + 3, 'more rounds in the outage', 3_000);
        assert.equal(told.errors.length, outage, `one report per outage: ${told.errors.join(' | ')}`);
        server = await startRedisServer({ port });
        const renewedBefore = watched.renewed;
        await until(() => watched.renewed > renewedBefore, 'a round after Redis came back', 8_000);
      }
    } finally {
      await server.stop();
    }
  });
});
