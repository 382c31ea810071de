import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, hexlify, randomBytes } from 'ethers';
import { startSandbox, type SampleAssets, type Sandbox, type SandboxDialect } from '../../sandbox';
import type { HostileProxy } from '../helpers/hostile-proxy';
import { helper, packageNode, placed, type FlowNode, type Received } from '../helpers/node-red';
import { until } from '../helpers/until';
import { closeProxiedSandbox, startProxiedSandbox, type ProxiedSandbox } from '../helpers/proxied-sandbox';

const NODES = ['ocean-c2d-config', 'compute-start', 'compute-status'].map(packageNode);
const LOG_ROUTE = '/api/services/computeStreamableLogs';

/** 40 lines on stdout over about a second, every fifth with a line on stderr, and a last line without its newline. */
const CHATTY = `
let i = 0;
const timer = setInterval(() => {
  i++;
  console.log('line ' + i);
  if (i % 5 === 0) console.error('warn ' + i);
  if (i === 40) { clearInterval(timer); process.stdout.write('no newline at the end'); }
}, 25);
`;
const CHATTY_STDOUT = [...Array.from({ length: 40 }, (_, i) => `line ${i + 1}`), 'no newline at the end'];
const CHATTY_STDERR = Array.from({ length: 8 }, (_, i) => `warn ${(i + 1) * 5}`);

/** 300 lines at once after a pause long enough for the log to be open. */
const BURST = `setTimeout(() => { for (let i = 1; i <= 300; i++) console.log('burst ' + i); }, 800);`;

interface Collected {
  logs: Received[];
  finals: Received[];
  /** Arrival order across outputs: 'log' or 'final'. */
  order: string[];
  /** When each log message arrived (Date.now()), in the order of `logs`. */
  logTimes: number[];
}

function collect(logNode: string, finalNode: string): Collected {
  const collected: Collected = { logs: [], finals: [], order: [], logTimes: [] };
  helper.getNode(logNode).on('input', (msg: Received) => (collected.logs.push(msg), collected.order.push('log'), collected.logTimes.push(Date.now())));
  helper.getNode(finalNode).on('input', (msg: Received) => (collected.finals.push(msg), collected.order.push('final')));
  return collected;
}

const linesOf = (logs: Received[], stream: string): string[] => logs.filter((m) => m.stream === stream).map((m) => String(m.payload));

for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`live algorithm logs while a job runs (${dialect})`, function () {
    this.timeout(60_000);
    let setup: ProxiedSandbox;
    let proxy: HostileProxy;
    let assets: SampleAssets;
    const wallet = Wallet.createRandom();

    beforeEach(async function () {
      setup = await startProxiedSandbox(dialect, 'ocean-c2d-live-log-');
      ({ proxy, assets } = setup);
    });

    afterEach(async function () {
      await closeProxiedSandbox(setup);
    });

    /** compute-start (free, raw code) → compute-status following with a live log on its third output. */
    function flow(code: string, logRate = '1000'): FlowNode[] {
      const start =
        dialect === 'ocean-node'
          ? { algorithmCode: code, container: 'node', environment: 'free', environmentType: 'envpick' }
          : // A Provider v2 runs published algorithms on orders (taken by their form without a chain).
            {
              dataset: JSON.stringify({ did: assets.dataset, transferTxId: hexlify(randomBytes(32)) }),
              datasetType: 'json',
              algorithm: JSON.stringify({ did: assets.longRunning, transferTxId: hexlify(randomBytes(32)) }),
              algorithmType: 'json',
              algocustomdata: '{"seconds":1}',
              algocustomdataType: 'json',
              environment: 'any',
              environmentType: 'envpick',
            };
      return placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: proxy.url, chainId: '8996', pollInterval: '0.2' },
        { id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', tier: 'free', tierType: 'tier', ...start, wires: [['status']] },
        { id: 'status', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'follow', modeType: 'mode', logs: true, logRate, logRateType: 'num', outputs: 3, wires: [['final'], ['changes'], ['log']] },
        { id: 'final', type: 'helper', z: 'f1' },
        { id: 'changes', type: 'helper', z: 'f1' },
        { id: 'log', type: 'helper', z: 'f1' },
        { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'f1' },
      ]);
    }

    if (dialect === 'ocean-node') {
      it('sends every line once, in order, per stream, with the message\'s properties, before the final status', async function () {
        await helper.load(NODES, flow(CHATTY), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ batch: 'b-17', payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        assert.deepEqual(linesOf(got.logs, 'stdout'), CHATTY_STDOUT);
        assert.deepEqual(linesOf(got.logs, 'stderr'), CHATTY_STDERR);
        const jobId = got.finals[0]!.jobId;
        for (const msg of got.logs) {
          assert.equal(msg.topic, 'log');
          assert.equal(msg.jobId, jobId);
          assert.equal(msg.batch, 'b-17', 'the starting message travels with every line');
        }
        assert.equal(got.order[got.order.length - 1], 'final', 'the last lines come before the final status');
        assert.equal(proxy.requests.filter((r) => r.url.startsWith(LOG_ROUTE)).length >= 1, true);
      });

      it('a dropped log connection is opened again while the job runs, and no line is sent twice', async function () {
        proxy.rewrite({ method: 'GET', path: LOG_ROUTE, times: 1, cutAfterBytes: 90 });
        await helper.load(NODES, flow(CHATTY.replace('}, 25);', '}, 60);')), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        assert.deepEqual(linesOf(got.logs, 'stdout'), CHATTY_STDOUT);
        assert.deepEqual(linesOf(got.logs, 'stderr'), CHATTY_STDERR);
        assert.ok(proxy.requests.filter((r) => r.url.startsWith(LOG_ROUTE)).length >= 2, 'opened again after the cut');
      });

      it('what cut connections missed comes from the algorithm log at the end, once', async function () {
        proxy.rewrite({ method: 'GET', path: LOG_ROUTE, cutAfterBytes: 90 });
        await helper.load(NODES, flow(CHATTY), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        assert.deepEqual(linesOf(got.logs, 'stdout'), CHATTY_STDOUT);
        assert.deepEqual(linesOf(got.logs, 'stderr'), CHATTY_STDERR);
        assert.equal(got.order[got.order.length - 1], 'final');
        assert.equal(proxy.requests.filter((r) => r.url.startsWith('/api/services/computeResult')).length, 1, 'the algorithm log, read once');
      });

      it('a job too quick to be seen running still gives every line, at its end', async function () {
        await helper.load(NODES, flow("console.log('a'); console.error('b'); console.log('c');"), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        assert.deepEqual(linesOf(got.logs, 'stdout'), ['a', 'c']);
        assert.deepEqual(linesOf(got.logs, 'stderr'), ['b']);
      });

      it('costs no extra status requests: the tracker\'s polls only, and one log request while nothing drops', async function () {
        await helper.load(NODES, flow(CHATTY), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        // From the start on: the list read when the connection started (looking for lost jobs) comes before.
        const started = proxy.requests.findIndex((r) => r.url.startsWith('/api/services/freeCompute'));
        const statusRequests = proxy.requests.slice(started).filter((r) => r.method === 'GET' && r.url.startsWith('/api/services/compute?'));
        // Every status request is one of the tracker's polls: a timer never fires early, so however
        // loaded the machine, polls are at least the 200 ms interval apart; an extra request would not be.
        assert.ok(statusRequests.length >= 2, `${statusRequests.length} status requests`);
        for (let i = 1; i < statusRequests.length; i++) {
          const gap = statusRequests[i]!.at - statusRequests[i - 1]!.at;
          assert.ok(gap >= 190, `status request ${i} came ${gap} ms after the one before`);
        }
        const logOpens = proxy.requests.filter((r) => r.url.startsWith(LOG_ROUTE));
        // One to read it; at most one more, answered 404, when the tracker has not yet seen the end.
        assert.ok(logOpens.length >= 1 && logOpens.length <= 2, `${logOpens.length} log requests`);
      });

      it('at most the set lines per second reach the flow; the rest are counted in one message', async function () {
        await helper.load(NODES, flow(BURST, '5'), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        const lines = got.logs.filter((m) => m.skipped === undefined);
        const skipped = got.logs.filter((m) => m.skipped !== undefined).reduce((sum, m) => sum + Number(m.skipped), 0);
        assert.equal(lines.length + skipped, 300, `${lines.length} sent + ${skipped} counted`);
        // However slowly a loaded machine hands the burst over, no more than 5 lines for each second it took (and the second it began in).
        const times = got.logs.map((m, i) => (m.skipped === undefined ? got.logTimes[i]! : undefined)).filter((t): t is number => t !== undefined);
        const seconds = Math.ceil((times.at(-1)! - times[0]!) / 1000) + 1;
        assert.ok(lines.length <= 5 * seconds, `${lines.length} lines sent over ${seconds} s`);
        assert.ok(lines.length < 300, 'not every line');
        assert.deepEqual(lines.map((m) => m.payload).slice(0, 5), ['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5']);
        assert.match(String(got.logs.find((m) => m.skipped !== undefined)?.payload), /^\d+ lines not sent: more than 5 a second$/);
      });
    } else {
      it('has no live log: the job is followed as usual, one warning, and its lines come from the algorithm log at the end', async function () {
        await helper.load(NODES, flow(''), { cfg: { privateKey: wallet.privateKey } });
        const got = collect('log', 'final');
        helper.getNode('start').receive({ payload: 'go' });
        await until(() => got.finals.length === 1, 'the final status');
        const lines = linesOf(got.logs, 'stdout');
        assert.match(lines[0]!, /^tick 1$/);
        assert.equal(lines[lines.length - 1], 'done');
        assert.deepEqual(lines.slice(0, -1), lines.slice(0, -1).map((_, i) => `tick ${i + 1}`), 'every tick once, in order');
        assert.equal(got.order[got.order.length - 1], 'final');
        const warnings = helper.log().args.filter((args: unknown[]) => (args[0] as { level?: number }).level === 30).map((args: unknown[]) => String((args[0] as { msg?: unknown }).msg));
        assert.deepEqual(warnings.filter((w: string) => w === 'compute-status.warn.noLiveLogs'), ['compute-status.warn.noLiveLogs']);
        assert.equal(proxy.requests.filter((r) => r.url.startsWith(LOG_ROUTE)).length, 0, 'no live log asked for');
      });
    }
  });
}

describe('live logs from compute-start when it follows', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let userDir: string;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-live-log-start-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  it('sends the lines on its second output, the finished job on the first, failures on the third', async function () {
    await helper.load(
      NODES,
      placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', pollInterval: '0.2' },
        {
          id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', tier: 'free', tierType: 'tier', environment: 'free', environmentType: 'envpick',
          algorithmCode: CHATTY, container: 'node', follow: true, logs: true, logRate: '1000', logRateType: 'num', errorOutput: true, outputs: 3,
          wires: [['final'], ['log'], ['failed']],
        },
        { id: 'final', type: 'helper', z: 'f1' },
        { id: 'log', type: 'helper', z: 'f1' },
        { id: 'failed', type: 'helper', z: 'f1' },
      ]),
      { cfg: { privateKey: Wallet.createRandom().privateKey } },
    );
    const got = collect('log', 'final');
    const failures: Received[] = [];
    helper.getNode('failed').on('input', (msg: Received) => failures.push(msg));
    helper.getNode('start').receive({ payload: 'go' });
    await until(() => got.finals.length === 1, 'the finished job');
    assert.deepEqual(linesOf(got.logs, 'stdout'), CHATTY_STDOUT);
    assert.deepEqual(linesOf(got.logs, 'stderr'), CHATTY_STDERR);
    assert.equal((got.finals[0]!.payload as { done: boolean }).done, true);
    assert.equal(failures.length, 0);
  });

  it('refuses a lines-per-second that is not a whole number from 1 to 1000, naming the field', async function () {
    await helper.load(
      NODES,
      placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996' },
        { id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', tier: 'free', tierType: 'tier', environment: 'free', environmentType: 'envpick', algorithmCode: CHATTY, container: 'node', follow: true, logs: true, logRate: '0', logRateType: 'num', outputs: 2, wires: [['final'], ['log']] },
        { id: 'final', type: 'helper', z: 'f1' },
        { id: 'log', type: 'helper', z: 'f1' },
        { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'f1' },
      ]),
      { cfg: { privateKey: Wallet.createRandom().privateKey } },
    );
    const caught = new Promise<Received>((resolve) => helper.getNode('caught').once('input', resolve));
    helper.getNode('start').receive({ payload: 'go' });
    const msg = await caught;
    const error = msg.error as { code: string; message: string };
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, /^logRate: expected a whole number of lines per second from 1 to 1000, got 0/);
    assert.equal(sandbox.context.jobs.running().length, 0, 'nothing started');
  });
});
