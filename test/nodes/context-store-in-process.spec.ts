import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_CONTAINER, type HeldJobs, type Sandbox } from '../../sandbox';
import type { OceanConfigNode } from '../../src/nodes/lib/config-node';
import { OceanClient } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { followingStatus } from '../helpers/follow-nodes';
import { startHeldSandbox } from '../helpers/held-sandbox';
import { helper, packageNode, placed, type FlowNode } from '../helpers/node-red';
import { until } from '../helpers/until';

const NODES = ['ocean-c2d-config', 'compute-status'].map(packageNode);
const wallet = testAccount(16);

/**
 * The context job store inside the test runtime, whose global context is one memory store (the
 * store's name is not told apart here; test/nodes/job-store-context.spec.ts runs a real Node-RED
 * with two stores and a restart).
 */
describe('the context job store, in process', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let held: HeldJobs;
  let client: OceanClient;
  let userDir: string;

  beforeEach(async function () {
    ({ sandbox, held } = await startHeldSandbox(4));
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-context-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1, contextStorage: { default: { module: 'memory' }, kept: { module: 'memory' } } } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    client.close();
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
    helper.settings({ contextStorage: undefined } as Parameters<typeof helper.settings>[0]);
  });

  const flow = (statusId: string): FlowNode[] =>
    placed([
      { id: 'f1', type: 'tab' },
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', pollInterval: '0.2', jobStore: 'context', contextStore: 'kept' },
      followingStatus({ id: statusId, server: 'cfg', wires: [['out'], []] }),
      { id: 'out', type: 'helper', z: 'f1' },
    ]);
  const credentials = { cfg: { privateKey: wallet.privateKey } };
  const tracker = (): ReturnType<OceanConfigNode['getTracker']> => (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();
  const storedKeys = (): string[] => (helper.getNode('cfg').context().global.keys('kept') as string[]).filter((key) => key.startsWith('ocean-c2d:cfg:job:'));

  it('keeps each followed job under its own key in global context, resumes it after a full redeploy, and removes it when the job ends', async function () {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } });
    await helper.load(NODES, flow('status'), credentials);
    helper.getNode('status').receive({ jobId: job.jobId, topic: 'kept' });
    await until(() => storedKeys().length === 1, 'the job written to the context store', 10_000);
    assert.deepEqual(storedKeys(), [`ocean-c2d:cfg:job:${job.jobId}`]);

    // A full deploy re-creates the connection; global context stays, and the job is read back from it.
    await (helper as unknown as { setFlows(flow: FlowNode[], type: string, credentials: unknown): Promise<void> }).setFlows(flow('status'), 'full', credentials);
    await until(() => tracker().has(job.jobId), 'the job resumed from the context store', 10_000);

    const final = new Promise<{ topic?: unknown }>((resolve) => helper.getNode('out').once('input', resolve));
    held.finish(job.jobId.split('-').pop() ?? '');
    assert.equal((await final).topic, 'kept', 'the final reaches the node that followed it, with its message');
    await until(() => storedKeys().length === 0, 'the key removed', 10_000);
  });
});
