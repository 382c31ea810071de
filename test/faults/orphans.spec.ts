import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { LONG_RUNNING_ALGORITHM, NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient } from '../../src/ocean';
import { english, inEnglish } from '../helpers/english';
import { helper, packageNode, placed, sendAndWait, type FlowNode } from '../helpers/node-red';
import { until } from '../helpers/until';

const NODES = inEnglish(['ocean-c2d-config', 'compute-status'].map(packageNode));

/** The connection's warnings so far (helper.log() spies on every log call). */
function warnings(): string[] {
  return helper
    .log()
    .args.map((args: unknown[]) => args[0] as { level?: number; type?: string; msg?: unknown })
    .filter((entry: { level?: number; type?: string }) => entry.level === 30 && entry.type === 'ocean-c2d-config')
    .map((entry: { msg?: unknown }) => String(entry.msg));
}

describe('a followed job whose node was removed does not vanish', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let userDir: string;
  const wallet = Wallet.createRandom();

  beforeEach(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-orphans-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  const flow = (statusId: string): FlowNode[] =>
    placed([
      { id: 'f1', type: 'tab' },
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', pollInterval: '0.2' },
      { id: statusId, type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'follow', modeType: 'mode', timeout: '60', timeoutType: 'num', wires: [['out'], []] },
      { id: 'all', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'all', modeType: 'mode', wires: [['out'], []] },
      { id: 'out', type: 'helper', z: 'f1' },
    ]);

  for (const deploy of ['nodes', 'full'] as const) {
    it(`after a "${deploy}" deploy that replaces the following node: followed on, named in a warning, marked in "all", and its end logged`, async function () {
      const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
      const environment = (await client.pickEnvironment({ free: true })).id;
      const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 3 } });
      await helper.load(NODES, flow('statusA'), { cfg: { privateKey: wallet.privateKey } });
      helper.getNode('statusA').receive({ jobId });
      await new Promise((resolve) => setTimeout(resolve, 300));

      // The user deletes the node and adds a new one in its place, then deploys.
      await (helper as unknown as { setFlows(flow: FlowNode[], type: string, credentials: unknown): Promise<void> }).setFlows(flow('statusB'), deploy, { cfg: { privateKey: wallet.privateKey } });
      const orphaned = english('ocean-c2d-config.log.orphaned', { jobId, nodeId: 'statusA' });
      await until(() => warnings().includes(orphaned), 'the orphan warning', 15_000);

      const listed = await sendAndWait('all', {}, ['out'], 10_000);
      const mine = (listed.out!.payload as Array<{ jobId: string; followed?: { nodeId: string; orphaned: boolean } }>).find((job) => job.jobId === jobId);
      assert.deepEqual(mine?.followed, { nodeId: 'statusA', orphaned: true });

      await until(() => warnings().some((w) => w.startsWith(`job ${jobId} ended (`)), 'the log of its end', 20_000);
      const ended = await client.getJob(jobId);
      const outcome = `${ended.status} ${ended.statusText.trim()}`;
      // The job was started outside this Node-RED, so the lost-job check may also have named it.
      const aboutOrphans = warnings().filter((w) => !w.includes(' is unfinished ('));
      assert.deepEqual(aboutOrphans, [orphaned, english('ocean-c2d-config.log.unreceived', { jobId, outcome, nodeId: 'statusA' })], 'warned once, and its end logged with how it ended');
      assert.match(aboutOrphans[1]!, /^job \S+ ended \(\d+ [A-Za-z ]+[a-z]\) with no node to receive it: node statusA, which followed it, is no longer in the flows$/);
      client.close();
    });
  }
});
