import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeldJobs, NODE_CONTAINER, type Sandbox } from '../../sandbox';
import type { OceanConfigNode } from '../../src/nodes/lib/config-node';
import { OceanClient } from '../../src/ocean';
import { FileTrackerStore } from '../../src/tracker';
import { testAccount } from '../helpers/accounts';
import { helper, packageNode, placed, type FlowNode, type Received } from '../helpers/node-red';
import { until } from '../helpers/until';
import { followingStart, followingStatus } from '../helpers/follow-nodes';
import { startHeldSandbox } from '../helpers/held-sandbox';

const NODES = ['ocean-c2d-config', 'compute-start', 'compute-status'].map(packageNode);
const wallet = testAccount(13);
const FOLLOWED = 500;
const STARTED = 100;

/** Waits until `check` holds, looking every 20 ms; fails after `ms`. */
/** Every final a helper node receives, counted per job. */
function finalsAt(nodeId: string): Map<string, number> {
  const finals = new Map<string, number>();
  helper.getNode(nodeId).on('input', (msg: Received) => finals.set(String(msg.jobId), (finals.get(String(msg.jobId)) ?? 0) + 1));
  return finals;
}

describe('many followed jobs through the nodes (Ocean Node sandbox, held jobs)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let held: HeldJobs;
  let userDir: string;

  beforeEach(async function () {
    ({ sandbox, held } = await startHeldSandbox(2_000));
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-many-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  const flow = (): FlowNode[] =>
    placed([
      { id: 'f1', type: 'tab' },
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', pollInterval: '0.3' },
      followingStatus({ id: 'status', server: 'cfg', wires: [['statusFinals'], ['changes']] }),
      { id: 'statusFinals', type: 'helper', z: 'f1' },
      { id: 'changes', type: 'helper', z: 'f1' },
      followingStart({ id: 'start', server: 'cfg', wires: [['startFinals']] }),
      { id: 'startFinals', type: 'helper', z: 'f1' },
    ]);

  it(`${FOLLOWED} jobs followed through compute-status and ${STARTED} through compute-start, ending in one poll: each final once, and each job small at rest`, async function () {
    const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    const environment = (await client.pickEnvironment({ free: true })).id;
    const jobIds: string[] = [];
    for (let i = 0; i < FOLLOWED; i += 50) {
      const batch = Array.from({ length: Math.min(50, FOLLOWED - i) }, () => client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } }));
      jobIds.push(...(await Promise.all(batch)).map((job) => job.jobId));
    }
    client.close();

    await helper.load(NODES, flow(), { cfg: { privateKey: wallet.privateKey } });
    const tracker = (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();
    const statusFinals = finalsAt('statusFinals');
    const startFinals = finalsAt('startFinals');
    for (const jobId of jobIds) helper.getNode('status').receive({ jobId, topic: 'followed' });
    for (let i = 0; i < STARTED; i++) helper.getNode('start').receive({ topic: `started-${i}` });
    await until(() => tracker.size === FOLLOWED + STARTED, 'every job followed');

    // At rest: what resuming needs, not the job itself.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = await new FileTrackerStore(join(userDir, 'ocean-c2d', 'jobs-cfg.json')).load();
    assert.equal(stored.length, FOLLOWED + STARTED);
    const largest = Math.max(...stored.map((job) => Buffer.byteLength(JSON.stringify(job))));
    assert.ok(largest < 1024, `the largest job takes ${largest} bytes in the store`);
    assert.ok(stored.every((job) => (job.context?.msg as { payload?: unknown }).payload === undefined), 'no job is saved with the job as its payload');
    assert.ok(stored.every((job) => typeof (job.context?.msg as { topic?: unknown }).topic === 'string'), 'the message keeps its own fields');

    // All end between two polls.
    const seen = sandbox.requests.length;
    await until(() => sandbox.requests.slice(seen).some((r) => r.path === '/api/services/compute' && r.answeredAt !== undefined), 'a poll of every job');
    assert.equal(held.finishAll(), FOLLOWED + STARTED);
    await until(() => statusFinals.size === FOLLOWED && startFinals.size === STARTED, 'every final', 30_000);
    // Two more polls' time: nothing comes twice.
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.deepEqual([...statusFinals.keys()].sort(), [...jobIds].sort());
    assert.deepEqual([...statusFinals.values(), ...startFinals.values()].filter((count) => count !== 1), [], 'each final once');
    assert.equal(tracker.size, 0);
    assert.deepEqual(await new FileTrackerStore(join(userDir, 'ocean-c2d', 'jobs-cfg.json')).load(), [], 'ended jobs leave the store');
  });
});
