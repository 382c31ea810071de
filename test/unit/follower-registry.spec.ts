import assert from 'node:assert/strict';
import type { NodeAPI } from 'node-red';
import { configNodeFor } from '../../src/nodes/lib/config-node';
import { followTimeout } from '../../src/nodes/lib/follower';
import { FollowerRegistry, followerOf } from '../../src/nodes/lib/follower-registry';
import type { ComputeJob } from '../../src/ocean';
import { OceanError } from '../../src/ocean/errors';
import type { FollowedJob } from '../../src/tracker';

const followed = (jobId: string, nodeId?: unknown): FollowedJob => ({ jobId, startedAt: 0, context: nodeId === undefined ? {} : { nodeId } }) as FollowedJob;

describe('FollowerRegistry: which nodes are there to receive the jobs they followed', function () {
  it('counts each node’s registrations, and a node is gone only when all are', function () {
    const registry = new FollowerRegistry();
    const first = registry.add('n1');
    const second = registry.add('n1');
    first();
    assert.equal(registry.isOrphan(followed('j', 'n1')), false);
    first();
    assert.equal(registry.isOrphan(followed('j', 'n1')), false, 'a second call of the same function counts once');
    second();
    assert.equal(registry.isOrphan(followed('j', 'n1')), true);
    second();
    const again = registry.add('n1');
    assert.equal(registry.isOrphan(followed('j', 'n1')), false, 'a late call of an old function does not remove a new registration');
    again();
  });

  it('calls a job without a node, or with a node id that is not text, an orphan', function () {
    const registry = new FollowerRegistry();
    registry.add('5');
    assert.equal(registry.isOrphan(undefined), true);
    assert.equal(registry.isOrphan(followed('j')), true);
    assert.equal(registry.isOrphan(followed('j', 5)), true);
    assert.equal(registry.isOrphan({ jobId: 'j', startedAt: 0 } as FollowedJob), true);
  });

  it('reports each orphan once', function () {
    const registry = new FollowerRegistry();
    registry.add('live');
    const jobs = [followed('a', 'gone'), followed('b', 'live'), followed('c')];
    assert.deepEqual(
      registry.newOrphans(jobs).map((j) => j.jobId),
      ['a', 'c'],
    );
    assert.deepEqual(registry.newOrphans([...jobs, followed('d', 'gone')]).map((j) => j.jobId), ['d']);
  });

  it('followerOf: the node id saved with a job, text only', function () {
    assert.equal(followerOf(followed('j', 'n')), 'n');
    assert.equal(followerOf(followed('j', 1)), undefined);
    assert.equal(followerOf(undefined), undefined);
  });
});

describe('followTimeout: a followed job that did not end in time', function () {
  it('names the job, the time in seconds, and the last status seen, and says it was not stopped', function () {
    const last = { status: 40, statusText: ' Running algorithm ' } as ComputeJob;
    const error = followTimeout({ jobId: 'j-1', startedAt: 0, timeoutMs: 90_400 } as FollowedJob, last);
    assert.equal(error.code, 'TIMEOUT');
    assert.equal(error.jobId, 'j-1');
    assert.equal(error.message, 'Job j-1 did not end within 90 s (last status: 40 Running algorithm); it was not stopped');
    assert.equal(followTimeout({ jobId: 'j-2', startedAt: 0, timeoutMs: 1500 } as FollowedJob, undefined).message, 'Job j-2 did not end within 2 s (last status: never seen); it was not stopped');
    assert.equal(followTimeout({ jobId: 'j-3', startedAt: 0 } as FollowedJob, undefined).message, 'Job j-3 did not end within 0 s (last status: never seen); it was not stopped');
  });
});

describe('configNodeFor: the connection a node points at', function () {
  const connection = { getClient: () => undefined };
  const RED = { nodes: { getNode: (id: string) => (id === 'conn' ? connection : id === 'other' ? { type: 'inject' } : null) } } as unknown as NodeAPI;

  it('answers the config node, and refuses a missing or wrong one by the server field', function () {
    assert.equal(configNodeFor(RED, 'conn'), connection);
    for (const id of [undefined, '', 'missing', 'other']) {
      assert.throws(
        () => configNodeFor(RED, id),
        (error: unknown) =>
          error instanceof OceanError && error.code === 'INVALID_CONFIG' && error.message === "server: no Ocean C2D connection is selected; choose one in the node's settings" && error.details?.field === 'server',
      );
    }
  });
});
