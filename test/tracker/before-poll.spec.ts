import assert from 'node:assert/strict';
import { JobTracker } from '../../src/tracker';
import { FakeClient, job } from './fake-client';
import { recordEvents, sleep, waitFor } from './helpers';

describe('JobTracker: the beforePoll hook', function () {
  let fake: FakeClient;
  const trackers: JobTracker[] = [];
  const make = (beforePoll: () => Promise<void>): JobTracker => {
    const tracker = new JobTracker({ client: fake, intervalMs: 20, beforePoll });
    trackers.push(tracker);
    return tracker;
  };

  beforeEach(function () {
    fake = new FakeClient();
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  it('runs before each poll\'s requests; a job it unfollows is not asked for, nor reported', async function () {
    const order: string[] = [];
    fake.set(job('mine', 70), job('theirs', 70));
    const tracker: JobTracker = make(async () => {
      order.push(`hook@${fake.listCalls}`);
      await sleep(5);
      tracker.unfollow('theirs');
    });
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'mine', startedAt: Date.now() });
    tracker.follow({ jobId: 'theirs', startedAt: Date.now() });
    await waitFor(() => log.includes('idle'), 'the end');
    assert.deepEqual(order, ['hook@0']);
    assert.deepEqual(log, ['change mine 70', 'done mine', 'idle']);
    assert.deepEqual(fake.lookups, ['mine@0'], 'one job left: asked for by id, the other never');
  });

  it('a hook that fails is reported, and the poll goes on', async function () {
    fake.set(job('a', 70));
    const tracker = make(async () => {
      throw new Error('Redis is away');
    });
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: Date.now() });
    await waitFor(() => log.includes('idle'), 'the end');
    assert.deepEqual(log, ['error Error', 'change a 70', 'done a', 'idle']);
  });

  it('a hook that leaves nothing to follow ends the poll without a request', async function () {
    fake.set(job('a', 40));
    const tracker: JobTracker = make(async () => void tracker.unfollow('a'));
    const log = recordEvents(tracker);
    tracker.follow({ jobId: 'a', startedAt: Date.now() });
    await waitFor(() => log.includes('idle'), 'idle');
    await sleep(50);
    assert.equal(fake.listCalls + fake.lookups.length, 0);
  });
});
