import { listedEnvironment } from '../helpers/listed-environment';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, hexlify, randomBytes } from 'ethers';
import { DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startSandbox, type SampleAssets, type Sandbox, type SandboxDialect } from '../../sandbox';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { failure } from '../helpers/failure';
import type { HostileProxy } from '../helpers/hostile-proxy';
import { helper, nextMessage, packageNode, placed, sendAndWait, statusCalls, type Received } from '../helpers/node-red';
import { closeProxiedSandbox, startProxiedSandbox, type ProxiedSandbox } from '../helpers/proxied-sandbox';

const NODES = ['ocean-c2d-config', 'compute-start', 'compute-status', 'compute-result'].map(packageNode);
const QUICK = "require('fs').writeFileSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/out.json', '{\"ok\":true}');";
const tx = (): string => hexlify(randomBytes(32));

/** The start route of each dialect (Ocean Node's free tier; Provider v2's only one). */
const START: Record<SandboxDialect, string> = { 'ocean-node': '/api/services/freeCompute', 'provider-v2': '/api/services/compute' };

/** Messages that reach a helper node in the next `ms` (to see that something arrives once, not twice). */
function gather(id: string, ms: number): Promise<Received[]> {
  const seen: Received[] = [];
  const listener = (msg: Received): void => {
    seen.push(msg);
  };
  helper.getNode(id).on('input', listener);
  return new Promise((resolve) =>
    setTimeout(() => {
      helper.getNode(id).removeListener('input', listener);
      resolve(seen);
    }, ms),
  );
}

for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`a start whose answer is lost does not run twice (${dialect})`, function () {
    this.timeout(60_000);
    let setup: ProxiedSandbox;
    let sandbox: Sandbox;
    let proxy: HostileProxy;
    let assets: SampleAssets;
    const wallet = Wallet.createRandom();

    beforeEach(async function () {
      setup = await startProxiedSandbox(dialect, 'ocean-c2d-lost-');
      ({ sandbox, proxy, assets } = setup);
    });

    afterEach(async function () {
      await closeProxiedSandbox(setup);
    });

    /** A free Ocean Node job of code, or a Provider v2 job on orders already paid (the sandbox without a chain takes them by their form). */
    const request = (environment: string): StartJobRequest =>
      dialect === 'ocean-node'
        ? { environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: QUICK } } }
        : { environment, free: true, datasets: [{ did: assets.dataset, transferTxId: tx() }], algorithm: { did: assets.statistics, transferTxId: tx() } };
    const environmentId = async (): Promise<string> => (await listedEnvironment(sandbox.url, 8996)).id;
    const jobsOfWallet = (): number => sandbox.context.jobs.ownedBy(wallet.address).length;

    it('the connection is cut after the server started the job: the node finds it, follows it, and delivers it once', async function () {
      const environment = await environmentId();
      const start: Record<string, unknown> =
        dialect === 'ocean-node'
          ? { algorithmCode: QUICK, container: 'node' }
          : { dataset: '', algorithm: JSON.stringify({ did: assets.statistics, transferTxId: tx() }), algorithmType: 'json' };
      await helper.load(
        NODES,
        placed([
          { id: 'f1', type: 'tab' },
          { id: 'cfg', type: 'ocean-c2d-config', providerUrl: proxy.url, chainId: '8996', pollInterval: '0.2' },
          { id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', environment, environmentType: 'str', tier: 'free', tierType: 'tier', follow: true, followTimeout: '30', followTimeoutType: 'num', ...start, wires: [['out']] },
          { id: 'out', type: 'helper', z: 'f1' },
          { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
          { id: 'caught', type: 'helper', z: 'f1' },
        ]),
        { cfg: { privateKey: wallet.privateKey } },
      );
      proxy.rewrite({ method: 'POST', path: START[dialect], times: 1, drop: true });
      const first = nextMessage('out', 30_000);
      helper.getNode('start').receive({ topic: 'once', dataset: dialect === 'provider-v2' ? { did: assets.dataset, transferTxId: tx() } : undefined });
      const finished = await first;
      assert.equal(finished.topic, 'once');
      assert.equal((finished.payload as { done: boolean }).done, true);
      assert.equal((await gather('out', 1500)).length, 0, 'delivered once');
      assert.equal(jobsOfWallet(), 1, 'exactly one job ran');
      assert.equal(proxy.requests.filter((r) => r.method === 'POST' && r.url.startsWith(START[dialect])).length, 1, 'the start was not sent again');
    });

    it('no answer in time after the server started the job: the client finds it instead of reporting TIMEOUT', async function () {
      const environment = await environmentId();
      proxy.rewrite({ method: 'POST', path: START[dialect], times: 1, delayMs: 1500 });
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey, http: { timeoutMs: 500, retries: 0 } });
      const job = await client.startJob(request(environment));
      client.close();
      assert.equal(jobsOfWallet(), 1);
      assert.equal(sandbox.context.jobs.ownedBy(wallet.address)[0]!.id, job.jobId.split('-').pop());
    });

    it('an answer that is not a job: the client finds the job it started', async function () {
      const environment = await environmentId();
      proxy.rewrite({ method: 'POST', path: START[dialect], times: 1, body: '<html>gateway error</html>' });
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey });
      const job = await client.startJob(request(environment));
      client.close();
      assert.equal(jobsOfWallet(), 1);
      assert.ok(job.jobId);
    });

    it('no answer, and no job on the server: the error says it is safe to start again', async function () {
      const environment = await environmentId();
      proxy.rewrite({ method: 'POST', path: START[dialect], times: 1, respond: (req) => void req.socket.destroy() });
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey });
      const error = await failure(client.startJob(request(environment)));
      client.close();
      assert.equal(error.code, 'UNREACHABLE');
      assert.equal(error.details?.startUnknown, false);
      assert.match(error.message, /no job was started \(the wallet's jobs were checked\), so it is safe to start it again$/);
      assert.equal(jobsOfWallet(), 0);
    });

    // A Provider v2 runs one job per agreement (the order), so there its match is exact.
    if (dialect === 'ocean-node') it('no answer, and several jobs that could be it: unsure, with their ids', async function () {
      const environment = await environmentId();
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey });
      const shared = request(environment);
      // Two jobs of the same shape that another program (another Node-RED) started with this wallet.
      const other = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
      await other.startJob(shared);
      await other.startJob(shared);
      other.close();
      proxy.rewrite({ method: 'POST', path: START[dialect], times: 1, respond: (req) => void req.socket.destroy() });
      const error = await failure(client.startJob(shared));
      client.close();
      assert.equal(error.details?.startUnknown, true);
      assert.equal((error.details?.candidates as string[]).length, 2);
      assert.match(error.message, /the job may have started: 2 jobs started since could be it/);
    });

  });
}

describe('starts refused by the rate limit, and starts that pick an environment', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let userDir: string;
  const wallet = Wallet.createRandom();

  beforeEach(async function () {
    const roomy = { ...DEFAULT_ENVIRONMENTS[0]!, cpu: 16, ram: 16, disk: 16, free: { ...DEFAULT_ENVIRONMENTS[0]!.free!, maxJobs: 20 } };
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [roomy] });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-429-'));
    helper.settings({ userDir } as Parameters<typeof helper.settings>[0]);
    await helper.load(
      NODES,
      placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996' },
        { id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', environment: 'free', environmentType: 'envpick', tier: 'free', tierType: 'tier', algorithmCode: QUICK, container: 'node', wires: [['out']] },
        { id: 'out', type: 'helper', z: 'f1' },
        { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'f1' },
      ]),
      { cfg: { privateKey: wallet.privateKey } },
    );
  });

  afterEach(async function () {
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  const starts = (): number => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/services/freeCompute').length;
  const lists = (): number => sandbox.requests.filter((r) => r.path === '/api/services/computeEnvironments').length;

  it('a start refused with 429 waits what the answer says, shows that it waits, and is sent again', async function () {
    sandbox.fail({ method: 'POST', path: '/api/services/freeCompute', status: 429, body: 'Rate limit exceeded. Try again in 1 seconds.' });
    const started = Date.now();
    const { out } = await sendAndWait('start', { topic: 'kept' }, ['out', 'caught'], 10_000);
    assert.equal(out?.topic, 'kept', 'the message kept its place');
    assert.ok(Date.now() - started >= 1000, 'waited the second the server asked for');
    assert.equal(starts(), 2);
    assert.equal(sandbox.context.jobs.ownedBy(wallet.address).length, 1);
    assert.ok(statusCalls('start').some((s) => s.fill === 'yellow' && s.text === 'compute-start.status.rateLimited'), JSON.stringify(statusCalls('start')));
  });

  it('a wait longer than the bound is reported at once as RATE_LIMITED', async function () {
    sandbox.fail({ method: 'POST', path: '/api/services/freeCompute', status: 429, body: 'Rate limit exceeded. Try again in 600 seconds.' });
    const { caught } = await sendAndWait('start', {}, ['out', 'caught'], 10_000);
    assert.equal(caught?.error?.code, 'RATE_LIMITED');
    assert.equal(starts(), 1);
  });

  it('three starts picking at once read the environment list once', async function () {
    const before = lists();
    const outcomes = Promise.all([0, 1, 2].map(() => nextMessage('out', 10_000)));
    for (let i = 0; i < 3; i++) helper.getNode('start').receive({});
    await outcomes;
    assert.equal(lists() - before, 1);
  });

  it('a start refused for lack of room reads the list again, once, and starts', async function () {
    sandbox.fail({ method: 'POST', path: '/api/services/freeCompute', status: 400, contentType: 'application/json', body: '"Not enough available cpu"' });
    const { out } = await sendAndWait('start', {}, ['out', 'caught'], 10_000);
    assert.ok(out);
    assert.equal(lists(), 2);
    assert.equal(starts(), 2);
  });
});
