import assert from 'node:assert/strict';
import { isOceanError } from '../../src/ocean';
import { JobTracker, type FollowedJob, type JobTrackerOptions } from '../../src/tracker';
import { FakeClient, job, serverError } from './fake-client';
import { recordEvents, sleep, waitFor } from './helpers';

const INTERVAL = 20;

describe('JobTracker: polls by id, and counts per group', function () {
  let fake: FakeClient;
  const trackers: JobTracker[] = [];

  const make = (options: Partial<JobTrackerOptions> = {}): JobTracker => {
    const tracker = new JobTracker({ client: fake, intervalMs: INTERVAL, ...options });
    trackers.push(tracker);
    return tracker;
  };
  const followed = (jobId: string, extra: Partial<FollowedJob> = {}): FollowedJob => ({ jobId, startedAt: Date.now(), ...extra });

  beforeEach(function () {
    fake = new FakeClient();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  it('asks for a single job by id, with its DID, and never lists the wallet', async function () {
    fake.set(job('a', 40));
    fake.beforeAnswer = () => assert.fail('the list was asked for');
    const dids: Array<string | undefined> = [];
    const getJob = fake.getJob.bind(fake);
    fake.getJob = (jobId, options) => {
      dids.push((options as { did?: string } | undefined)?.did);
      return getJob(jobId, options);
    };
    const tracker = make();
    const log = recordEvents(tracker);
    tracker.follow(followed('a', { did: 'did:op:1' }));
    await waitFor(() => fake.lookups.length >= 3, '3 polls');
    fake.set(job('a', 70));
    await waitFor(() => log.includes('idle'), 'idle');
    assert.equal(fake.listCalls, 0);
    assert.ok(dids.length >= 3 && dids.every((did) => did === 'did:op:1'), dids.join(', '));
    assert.deepEqual(log, ['change a 40', 'change a 70', 'done a', 'idle']);
  });

  it('follows up to pollByIdUpTo jobs by id, one request each; 0 always lists', async function () {
    fake.set(job('a', 40), job('b', 40));
    const byId = make({ pollByIdUpTo: 2 });
    byId.follow(followed('a'));
    byId.follow(followed('b'));
    await waitFor(() => fake.lookups.length >= 4, 'two polls of two jobs');
    await byId.close();
    assert.equal(fake.listCalls, 0);
    const listing = make({ pollByIdUpTo: 0 });
    const lookups = fake.lookups.length;
    listing.follow(followed('a'));
    await waitFor(() => fake.listCalls >= 2, 'two list polls');
    assert.equal(fake.lookups.length, lookups);
    assert.throws(() => make({ pollByIdUpTo: -1 }), { code: 'INVALID_CONFIG', message: /pollByIdUpTo/ });
  });

  it('gives a job the backend does not know yet three polls, then ends it with NOT_FOUND', async function () {
    const tracker = make();
    const errors: [string | undefined, string | undefined][] = [];
    tracker.on('error', (error, f) => errors.push([isOceanError(error) ? error.code : undefined, f?.jobId]));
    const log = recordEvents(tracker);
    tracker.follow(followed('late'));
    await waitFor(() => fake.lookups.length >= 2, 'two polls');
    fake.set(job('late', 20));
    await waitFor(() => log.includes('change late 20'), 'seen at last');
    assert.deepEqual(errors, [], 'two misses are not the end');
    tracker.follow(followed('ghost'));
    tracker.unfollow('late');
    await waitFor(() => errors.length > 0, 'the end of ghost');
    assert.deepEqual(errors, [['NOT_FOUND', 'ghost']]);
    assert.equal(fake.lookups.filter((l) => l.startsWith('ghost')).length, 3);
    assert.equal(tracker.has('ghost'), false);
  });

  it('backs off after a failed request by id, and keeps the job', async function () {
    fake.set(job('a', 40));
    const tracker = make();
    const log = recordEvents(tracker);
    const failing = fake.getJob.bind(fake);
    let failures = 2;
    fake.getJob = async (jobId, options) => {
      if (failures-- > 0) {
        fake.lookups.push(`${jobId}@failed`);
        throw serverError();
      }
      return failing(jobId, options);
    };
    tracker.follow(followed('a'));
    await waitFor(() => log.includes('change a 40'), 'seen after the failures');
    assert.deepEqual(log.slice(0, 3), ['error SERVER_ERROR a', 'error SERVER_ERROR a', 'change a 40']);
    assert.equal(tracker.has('a'), true);
  });

  it('close() aborts a request by id in flight at once', async function () {
    fake.hang = true;
    const tracker = make();
    const log = recordEvents(tracker);
    tracker.follow(followed('a'));
    await waitFor(() => fake.lookups.length === 1, 'a request in flight');
    await tracker.close();
    assert.equal(fake.aborted, 1);
    await sleep(3 * INTERVAL);
    assert.equal(fake.lookups.length, 1);
    assert.deepEqual(log, []);
  });

  it('counts followed jobs per group as they come and go, also when one moves to another group', async function () {
    fake.set(job('a', 40), job('b', 40), job('c', 70));
    const tracker = make({ groupOf: (f) => f.context?.node as string | undefined });
    const count = (): number[] => ['n1', 'n2'].map((group) => tracker.countIn(group));
    tracker.follow(followed('a', { context: { node: 'n1' } }));
    tracker.follow(followed('b', { context: { node: 'n1' } }));
    tracker.follow(followed('c', { context: { node: 'n2' } }));
    tracker.follow(followed('x'));
    assert.deepEqual(count(), [2, 1]);
    tracker.follow(followed('b', { context: { node: 'n2' } }));
    assert.deepEqual(count(), [1, 2], 'following again under another group moves it');
    tracker.unfollow('a');
    assert.deepEqual(count(), [0, 2]);
    await waitFor(() => !tracker.has('c'), 'c done');
    assert.deepEqual(count(), [0, 1]);
    assert.equal(tracker.countIn('nobody'), 0);
  });
});
