import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeInitializer } from 'node-red';
import { startChainSandbox, type ChainSandbox } from '../../sandbox';
import { sharedChain } from '../helpers/chain';
import { helper, messageWhere, nextMessage, packageNode, type FlowNode, type Received } from '../helpers/node-red';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const PACKAGE_NODES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode);
const CORE = ['common/20-inject', 'common/90-comment', 'function/10-function', 'function/10-switch', 'function/15-change', 'function/89-delay'].map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (file) => require(`@node-red/nodes/core/${file}.js`) as NodeInitializer,
);

/** FlowFuse Dashboard's node types all start with ui- (its package.json lists them). */
const isDashboard = (node: FlowNode): boolean => node.type.startsWith('ui-');

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
   * instead of the fixed ports `npm start` uses; debug nodes and dashboard widgets become helper
   * nodes to read and to send from (with their wires), and the dashboard's config nodes are left
   * out: FlowFuse Dashboard runs for real in test/browser/.
   */
  async function load(prefix: string, tweak: (node: FlowNode) => FlowNode = (n) => n): Promise<void> {
    const chain = await sharedChain();
    const nodes = (await example(prefix)).filter((node) => !isDashboard(node) || node.z).map((node) => {
      if (node.type === 'ocean-c2d-config') return { ...node, providerUrl: setup.sandbox.url, escrowAddress: chain.contracts.escrow, pollInterval: '0.2' };
      if (node.type === 'debug' || isDashboard(node)) return { id: node.id, type: 'helper', z: node.z, x: node.x, y: node.y, name: node.name, wires: node.wires ?? [] };
      return tweak(node);
    });
    const connection = nodes.find((node) => node.type === 'ocean-c2d-config')!.id;
    await helper.load([...PACKAGE_NODES, ...CORE], nodes, { [connection]: { privateKey: chain.accounts.consumer.privateKey, rpcEndpoint: chain.rpcUrl } });
  }

  const trigger = (id: string): void => helper.getNode(id).receive({});

  it('uses every node type of the package across the examples, each with a comment and ids of its own', async function () {
    const files = (await readdir(EXAMPLES)).filter((name) => name.endsWith('.json'));
    assert.equal(files.length, 8);
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
  it('08 uses the installed FlowFuse Dashboard\'s node types, on one page under /dashboard, with bounded schedules', async function () {
    const nodes = await example('08');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dashboard = require('@flowfuse/node-red-dashboard/package.json') as { version: string; 'node-red': { nodes: Record<string, string> } };
    assert.ok(Number(dashboard.version.split('.')[1]) >= 31 || Number(dashboard.version.split('.')[0]) > 1, `FlowFuse Dashboard ${dashboard.version}`);
    const ui = nodes.filter(isDashboard);
    for (const node of ui) assert.ok(Object.hasOwn(dashboard['node-red'].nodes, node.type), `${node.id}: ${node.type} is a node of FlowFuse Dashboard ${dashboard.version}`);
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const base = ui.find((node) => node.type === 'ui-base');
    assert.equal(base?.path, '/dashboard');
    for (const widget of ui.filter((node) => node.z)) {
      const group = byId.get(String(widget.group ?? ''));
      const page = group ? byId.get(String(group.page)) : undefined;
      const scope = widget.type === 'ui-notification' ? widget.ui : page?.ui;
      assert.equal(scope, base.id, `${widget.id} is shown on the example's dashboard`);
    }
    assert.deepEqual(new Set(ui.map((node) => node.type)), new Set(['ui-base', 'ui-theme', 'ui-page', 'ui-group', 'ui-button', 'ui-table', 'ui-template', 'ui-chart', 'ui-notification']));
    // An Ocean Node allows 30 requests a minute by default, for everything the connection asks.
    const repeats = nodes.filter((node) => node.type === 'inject').map((node) => Number(node.repeat));
    assert.ok(repeats.length > 0 && repeats.every((seconds) => seconds >= 60), `every schedule repeats once a minute at most: ${repeats.join(', ')}`);
    const limit = byId.get('ex8-limit');
    assert.deepEqual([limit?.pauseType, limit?.rate, limit?.nbRateUnits, limit?.rateUnits, limit?.drop], ['rate', '1', '5', 'second', true], 'one list request in 5 s at most, the others dropped');
    assert.deepEqual(byId.get('ex8-limit')?.wires, [['ex8-list']]);
    assert.deepEqual(nodes.filter((node) => node.wires?.some((out) => out.includes('ex8-list'))).map((node) => node.id), ['ex8-limit'], 'every list request passes the limit');
    const follow = byId.get('ex8-follow');
    assert.deepEqual([follow?.mode, follow?.logs], ['follow', true], 'the selected job is followed with its live log');
  });

  it('08 lists the wallet\'s jobs, starts one from the button and follows its log, follows a clicked row, charts the schedule, and notifies errors', async function () {
    // The schedules are triggered by hand here; the structure test checks them.
    await load('08', (node) => (node.type === 'inject' ? { ...node, once: false, repeat: '' } : node));
    interface Row { jobId: string; job: string; state: string; status: string; started: number | ''; finished: number | '' }
    const rowsOf = (msg: Received): Row[] => msg.payload as Row[];

    const listed = nextMessage('ex8-table', 10_000);
    trigger('ex8-tick');
    assert.ok(Array.isArray((await listed).payload));

    // The button: a two-second job (eight readings), selected and followed at once with its live log.
    let jobId = '';
    const following = messageWhere('ex8-log', (msg) => String(msg.payload).startsWith('following job'), 10_000);
    const inTable = messageWhere('ex8-table', (msg) => rowsOf(msg).some((row) => row.jobId === jobId), 10_000);
    const firstLine = messageWhere('ex8-log', (msg) => /^reading 1 of 8: /m.test(String(msg.payload)), 20_000);
    const ended = messageWhere('ex8-log', (msg) => /^job (finished|failed): /m.test(String(msg.payload)), 20_000);
    const finished = messageWhere('ex8-table', (msg) => rowsOf(msg).some((row) => row.jobId === jobId && row.state === 'finished'), 20_000);
    helper.getNode('ex8-button').send({ payload: 2 });
    jobId = String((await following).topic).replace(/^job /, '');
    await inTable;
    await firstLine;
    assert.equal(setup.sandbox.context.jobs.running().length, 1, 'the first line is shown while the job still runs: a live log');
    const log = String((await ended).payload).split('\n');
    const readings = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `reading ${n} of 8: <n> °C`);
    const expected = [`following job ${jobId}`, ...readings, 'done: mean of 8 readings <n> °C', 'job finished: <text> (exit code 0)'];
    assert.deepEqual(log.map((line) => line.replace(/-?\d+(?:\.\d+)? °C/g, '<n> °C').replace(/^job finished: .+ \(/, 'job finished: <text> (')), expected);
    const row = rowsOf(await finished).find((r) => r.jobId === jobId)!;
    assert.ok(Number(row.finished) >= Number(row.started) && Number(row.started) > Date.now() - 60_000, JSON.stringify(row));

    // A row clicked: the job has ended, so its algorithm log is fetched.
    const again = messageWhere('ex8-log', (msg) => /^job (finished|failed): /m.test(String(msg.payload)), 20_000);
    helper.getNode('ex8-table').send({ payload: row, action: 'row_click' });
    assert.deepEqual(String((await again).payload).split('\n'), log, 'the same log, from the algorithm log file');

    // The schedule: statistics of fresh readings, three points for the chart.
    const points: Received[] = [];
    helper.getNode('ex8-chart').on('input', (msg: Received) => points.push(msg));
    const max = messageWhere('ex8-chart', (msg) => msg.topic === 'max', 20_000);
    trigger('ex8-every');
    await max;
    assert.deepEqual(points.map((point) => point.topic), ['mean', 'min', 'max']);
    const [mean, min, top] = points.map((point) => Number(point.payload));
    assert.ok(min! <= mean! && mean! <= top! && min! > 15 && top! < 30, points.map((point) => point.payload).join(', '));

    // The table listed again (past the limit of one list in 5 s): both jobs, newest (the scheduled one) first.
    const relisted = nextMessage('ex8-table', 10_000);
    trigger('ex8-list');
    const rows = rowsOf(await relisted);
    // Array.from: the rows are made in the function node's own realm, with its own Array.
    const times = Array.from(rows, (r) => Number(r.started));
    assert.ok(rows.length >= 2 && rows.findIndex((r) => r.jobId === jobId) > 0, 'the button\'s job below the newer scheduled one');
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.ok(rows.every((r) => ['running', 'finished', 'failed'].includes(r.state) && r.job === r.jobId.slice(-8)), JSON.stringify(rows));

    // An error reaches the dashboard as a notification.
    const notified = nextMessage('ex8-notify', 10_000);
    helper.getNode('ex8-table').send({ payload: { jobId: 'no-such-job' }, action: 'row_click' });
    const alert = String((await notified).payload);
    assert.match(alert, /no-such-job/);
  });
});

