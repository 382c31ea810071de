import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeInitializer } from 'node-red';
import { startChainSandbox, type ChainSandbox } from '../../sandbox';
import { sharedChain } from '../helpers/chain';
import { helper, nextMessage, packageNode, type FlowNode, type Received } from '../helpers/node-red';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const PACKAGE_NODES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode);
const CORE = ['common/20-inject', 'common/90-comment', 'function/10-function', 'function/10-switch', 'function/15-change', 'function/89-delay'].map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (file) => require(`@node-red/nodes/core/${file}.js`) as NodeInitializer,
);

async function example(prefix: string): Promise<FlowNode[]> {
  const file = (await readdir(EXAMPLES)).find((name) => name.startsWith(prefix));
  assert.ok(file, `an example starting with ${prefix}`);
  return JSON.parse(await readFile(join(EXAMPLES, file), 'utf8')) as FlowNode[];
}

describe('the example flows import and run against the sandbox', function () {
  this.timeout(60_000);
  let setup: ChainSandbox;
  let userDir: string;

  before(async function () {
    const chain = await sharedChain();
    setup = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0 });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-examples-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await setup.sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  /**
   * Loads an example as a user would import it, pointed at this test's sandbox and chain
   * instead of the fixed ports `npm start` uses; debug nodes become helper nodes to read.
   */
  async function load(prefix: string, tweak: (node: FlowNode) => FlowNode = (n) => n): Promise<void> {
    const chain = await sharedChain();
    const nodes = (await example(prefix)).map((node) => {
      if (node.type === 'ocean-c2d-config') return { ...node, providerUrl: setup.sandbox.url, escrowAddress: chain.contracts.escrow, pollInterval: '0.2' };
      if (node.type === 'debug') return { id: node.id, type: 'helper', z: node.z, x: node.x, y: node.y, name: node.name };
      return tweak(node);
    });
    const connection = nodes.find((node) => node.type === 'ocean-c2d-config')!.id;
    await helper.load([...PACKAGE_NODES, ...CORE], nodes, { [connection]: { privateKey: chain.accounts.consumer.privateKey, rpcEndpoint: chain.rpcUrl } });
  }

  const trigger = (id: string): void => helper.getNode(id).receive({});

  it('uses every node type of the package across the examples, each with a comment and ids of its own', async function () {
    const files = (await readdir(EXAMPLES)).filter((name) => name.endsWith('.json'));
    assert.equal(files.length, 7);
    const types = new Set<string>();
    const ids = new Set<string>();
    for (const file of files) {
      const nodes = JSON.parse(await readFile(join(EXAMPLES, file), 'utf8')) as FlowNode[];
      nodes.forEach((node) => types.add(node.type));
      for (const node of nodes) {
        assert.ok(!ids.has(node.id), `${file}: id ${node.id} is in another example too, so importing both would collide`);
        ids.add(node.id);
      }
      assert.ok(nodes.some((node) => node.type === 'comment'), `${file} explains itself in a comment node`);
      assert.ok(!JSON.stringify(nodes).includes('privateKey'), `${file} holds no key`);
    }
    for (const type of ['c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop']) assert.ok(types.has(type), type);
  });

  it('01 lists the environments and picks a free one', async function () {
    await load('01');
    const listed = nextMessage('ex1-d1');
    trigger('ex1-i1');
    assert.ok(Array.isArray((await listed).payload));
    const picked = nextMessage('ex1-d2');
    trigger('ex1-i2');
    assert.match(String(((await picked).ocean as { environment: string }).environment), /^0x[0-9a-f]{64}-0x[0-9a-f]{64}$/);
  });

  it('02 computes statistics of the injected readings on the free tier', async function () {
    await load('02');
    const out = nextMessage('ex2-out', 20_000);
    const progress: Received[] = [];
    helper.getNode('ex2-progress').on('input', (msg: Received) => progress.push(msg));
    trigger('ex2-i');
    const stats = (await out).payload as { sensor: string; count: number; mean: number; min: number; max: number };
    assert.deepEqual([stats.sensor, stats.count, stats.min, stats.max], ['greenhouse-1', 12, 21.2, 24.6]);
    assert.equal(stats.mean, 22.733);
    assert.ok(progress.length >= 1);
  });

  it('03 pays for and runs the published algorithm on the published dataset', async function () {
    await load('03');
    const out = nextMessage('ex3-out', 30_000);
    trigger('ex3-i');
    const results = (await out).results as { sensors: Record<string, { count: number }> };
    assert.equal(results.sensors['temp-1']?.count, 24);
  });

  it('04 stops the long job', async function () {
    await load('04', (node) => (node.type === 'delay' ? { ...node, timeout: '1' } : node));
    const stopped = nextMessage('ex4-stopped', 20_000);
    const final = nextMessage('ex4-final', 20_000);
    trigger('ex4-i');
    assert.equal(((await stopped).payload as { stopRequested: boolean }).stopRequested, true);
    assert.equal(((await final).payload as { exitCode: number }).exitCode, 137);
  });

  it('05 fetches the algorithm log of the failed job', async function () {
    await load('05');
    const log = nextMessage('ex5-out', 20_000);
    trigger('ex5-i');
    const text = String((await log).payload);
    assert.match(text, /reading the inputs\.\.\./);
    assert.match(text, /cannot parse sensor data: unexpected column count/);
    assert.ok(!text.includes('\u0001\u0000\u0000\u0000'), 'no Docker frame headers');
  });

  it('06 runs the scheduled job and keeps its history', async function () {
    await load('06');
    const first = nextMessage('ex6-out', 20_000);
    trigger('ex6-i');
    const history = (await first).payload as Array<{ stats: { count: number } }>;
    assert.equal(history.length, 1);
    assert.equal(history[0]!.stats.count, 12);
  });

  it('07 prices the job, runs it within the budget, and reads the wallet', async function () {
    await load('07');
    const stats = nextMessage('ex7-out', 30_000);
    trigger('ex7-i');
    const results = (await stats).results as { sensor: string; count: number; max: number };
    assert.deepEqual([results.sensor, results.count, results.max], ['greenhouse-1', 6, 25.3]);
    const wallet = nextMessage('ex7-view', 20_000);
    trigger('ex7-tick');
    const view = (await wallet).payload as { tokens: Array<{ symbol?: string; balance: string; escrow?: { available: string } }>; budgets: Array<{ spent?: string; window?: string }> };
    const ocean = view.tokens.find((t) => t.symbol === 'OCEAN');
    assert.ok(ocean && Number(ocean.balance) > 0, 'the wallet holds OCEAN');
    assert.equal(view.budgets.find((b) => b.window === '24h')?.spent, '1.0', `the paid job counted against the budget: ${JSON.stringify(view.budgets)}`);
  });
});

