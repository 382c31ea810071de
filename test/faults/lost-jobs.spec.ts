import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeldJobs, NODE_CONTAINER, type Sandbox } from '../../sandbox';
import type { OceanConfigNode } from '../../src/nodes/lib/config-node';
import { OceanClient, type ComputeJob } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { startHostileProxy } from '../helpers/hostile-proxy';
import { helper, packageNode, placed, sendAndWait, type FlowNode } from '../helpers/node-red';
import { until } from '../helpers/until';
import { startHeldSandbox } from '../helpers/held-sandbox';
import { followingStatus } from '../helpers/follow-nodes';

const NODES = ['ocean-c2d-config', 'compute-start', 'compute-status'].map(packageNode);
const wallet = testAccount(14);

/** The lost-job warnings Node-RED logged so far (the test runtime logs message keys). */
function lostWarnings(): number {
  return helper
    .log()
    .args.filter((args: unknown[]) => (args[0] as { level?: number; msg?: unknown }).level === 30 && (args[0] as { msg?: unknown }).msg === 'ocean-c2d-config.log.lost').length;
}

interface Listed {
  jobId: string;
  lost?: boolean;
  followed?: { nodeId: string; orphaned: boolean };
}

describe('a followed job whose user directory was wiped is not lost without a word', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let held: HeldJobs;
  let userDir: string;
  let client: OceanClient;

  beforeEach(async function () {
    ({ sandbox, held } = await startHeldSandbox(16));
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-lost-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
  });

  afterEach(async function () {
    client.close();
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  const flow = (): FlowNode[] =>
    placed([
      { id: 'f1', type: 'tab' },
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', pollInterval: '30' },
      followingStatus({ id: 'status', server: 'cfg', wires: [['out'], ['out']] }),
      { id: 'all', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'all', modeType: 'mode', wires: [['listed'], []] },
      { id: 'listed', type: 'helper', z: 'f1' },
      { id: 'out', type: 'helper', z: 'f1' },
    ]);
  const credentials = { cfg: { privateKey: wallet.privateKey } };
  const statusLists = (from: number): number => sandbox.requests.slice(from).filter((r) => r.method === 'GET' && r.path === '/api/services/compute' && !r.query.includes('jobId')).length;
  const listAll = async (): Promise<Listed[]> => (await sendAndWait('all', {}, ['listed'])).listed!.payload as Listed[];
  const tracker = (): ReturnType<OceanConfigNode['getTracker']> => (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();

  it('after a restart on a wiped user directory: one list request, a warning naming the job, and "all" marks it lost', async function () {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const run = async (): Promise<ComputeJob> => client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } });
    const finished = await run();
    held.finish(finished.jobId.split('-').pop() ?? '');

    let from = sandbox.requests.length;
    await helper.load(NODES, flow(), credentials);
    await until(() => statusLists(from) === 1, 'the check of the first start', 10_000);
    // Started after that check, and followed: as a flow would.
    const followed = await run();
    helper.getNode('status').receive({ jobId: followed.jobId });
    await until(() => tracker().has(followed.jobId), 'the follow', 10_000);
    assert.equal(lostWarnings(), 0, 'nothing was lost yet');

    // A restart with the store in place: the job is known, nothing is lost.
    await helper.unload();
    from = sandbox.requests.length;
    await helper.load(NODES, flow(), credentials);
    await until(() => statusLists(from) === 1, 'the check of the second start', 10_000);
    await until(() => tracker().has(followed.jobId), 'the job resumed', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(lostWarnings(), 0, 'a resumed job is not lost');

    // The container is re-created: same flows, an empty user directory.
    await helper.unload();
    await rm(userDir, { recursive: true, force: true });
    await mkdir(userDir);
    from = sandbox.requests.length;
    await helper.load(NODES, flow(), credentials);
    await until(() => lostWarnings() === 1, 'the lost-job warning', 10_000);
    assert.equal(statusLists(from), 1, 'one list request for the check');
    assert.equal(tracker().has(followed.jobId), false, 'nothing follows it any more');

    const listed = await listAll();
    assert.deepEqual(listed.find((job) => job.jobId === followed.jobId)?.lost, true);
    assert.equal(listed.find((job) => job.jobId === finished.jobId)?.lost, undefined, 'a finished job is not lost');

    // Following it again: it is followed, no longer marked lost.
    helper.getNode('status').receive({ jobId: followed.jobId });
    await until(() => tracker().has(followed.jobId), 'followed again', 10_000);
    const again = (await listAll()).find((job) => job.jobId === followed.jobId);
    assert.equal(again?.lost, undefined);
    assert.deepEqual(again?.followed, { nodeId: 'status', orphaned: false });
  });

  it('a job this connection starts while the check runs is not taken for a lost one', async function () {
    // The check's list is asked for only after the start reached the backend, and the start's
    // answer comes back after the list's: the backend lists a job the connection does not know yet.
    const proxy = await startHostileProxy(sandbox.url);
    try {
      proxy.rewrite({
        method: 'GET',
        path: '/api/services/compute',
        times: 1,
        respond: async (_req, res, url) => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const answer = await fetch(`${sandbox.url}${url.pathname}${url.search}`);
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(await answer.text());
        },
      });
      proxy.rewrite({ method: 'POST', path: '/api/services/freeCompute', times: 1, delayMs: 1_000 });
      const nodes = flow().map((node) => (node.id === 'cfg' ? { ...node, providerUrl: proxy.url } : node));
      nodes.push({ id: 'start', type: 'compute-start', z: 'f1', x: 100, y: 400, server: 'cfg', environment: 'free', environmentType: 'envpick', algorithmCode: 'console.log(1)', container: 'node', tier: 'free', tierType: 'tier', wires: [['out']] });
      await helper.load(NODES, nodes, credentials);
      const started = new Promise((resolve) => helper.getNode('out').once('input', resolve));
      helper.getNode('start').receive({});
      await started;
      await until(() => proxy.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/api/services/compute?')).length === 1, 'the check', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(sandbox.context.jobs.running().length, 1, 'the job runs');
      assert.equal(lostWarnings(), 0, 'and is not reported lost');
      assert.equal((await listAll()).find((job) => job.lost), undefined);
    } finally {
      await helper.unload();
      await proxy.close();
    }
  });

  it('the warning names the job, and says how to pick it up again', function () {
    // The test runtime logs message keys; Node-RED fills these in from the locale.
    const messages = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'nodes', 'locales', 'en-US', 'ocean-c2d-config.json'), 'utf8')) as { 'ocean-c2d-config': { log: Record<string, string> } })['ocean-c2d-config'].log;
    assert.match(messages.lost ?? '', /__jobId__.*compute-status.*follow/);
  });
});
