import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSampleAssets, DEFAULT_ENVIRONMENTS, SENSOR_READINGS_CSV, STATISTICS_ALGORITHM, startChainSandbox, startSandbox, type ChainSandbox, type RequestRecord, type SampleAssets, type Sandbox } from '../../sandbox';
import { sharedChain } from '../helpers/chain';
import { fundedWallet } from '../helpers/funded-wallet';
import { testAccount } from '../helpers/accounts';
import { serveFiles, type FileServer } from '../helpers/file-server';
import { helper, nextMessage, packageNode, placed, sendAndWait, statusCalls, type FlowNode, type Received } from '../helpers/node-red';
import { until } from '../helpers/until';

const NODES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode);
const wallet = testAccount(6);

const SUM = `
const fs = require('fs');
const data = process.env.OCEAN_C2D_DATA || '/data';
const c = JSON.parse(fs.readFileSync(data + '/inputs/algoCustomData.json', 'utf8'));
console.log('adding', c.a, c.b);
fs.writeFileSync(data + '/outputs/sum.json', JSON.stringify({ sum: c.a + c.b }));
`;
const TICKER = 'let n = 0; setInterval(() => console.log("tick " + ++n), 100);';

interface JobPayload {
  jobId: string;
  status: number;
  done: boolean;
  failed: boolean;
  stopRequested: boolean;
  exitCode?: number | null;
}

function flow(url: string, extra: FlowNode[] = [], start: Record<string, unknown> = {}): FlowNode[] {
  return placed([
    { id: 'f1', type: 'tab' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', rpcUrl: '', pollInterval: '0.2' },
    {
      id: 'start',
      type: 'compute-start',
      z: 'f1',
      server: 'cfg',
      environment: 'free',
      environmentType: 'envpick',
      algorithmCode: SUM,
      container: 'node',
      tier: 'free',
      tierType: 'tier',
      algocustomdata: '{"a": 2, "b": 40}',
      algocustomdataType: 'json',
      ...start,
      wires: [['status', 'started']],
    },
    { id: 'started', type: 'helper', z: 'f1' },
    { id: 'status', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'follow', modeType: 'mode', timeout: '30', timeoutType: 'num', wires: [['result'], ['changes']] },
    { id: 'changes', type: 'helper', z: 'f1' },
    { id: 'result', type: 'compute-result', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', result: 'output', resultType: 'kind', format: 'json', formatType: 'format', unpack: true, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'stop', type: 'compute-stop', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', wires: [['stopped']] },
    { id: 'stopped', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
    ...extra,
  ]);
}

const credentials = { cfg: { privateKey: wallet.privateKey } };

describe('compute nodes in a flow (Ocean Node sandbox)', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let userDir: string;
  let files: FileServer;
  let assets: SampleAssets;

  before(async function () {
    files = await serveFiles({ '/readings.csv': SENSOR_READINGS_CSV });
  });

  after(async function () {
    await files.close();
  });

  beforeEach(async function () {
    const base = DEFAULT_ENVIRONMENTS[0]!;
    const roomy = { ...base, cpu: 256, ram: 256, disk: 256, free: { ...base.free!, maxJobs: 500 } };
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [roomy] });
    assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-nodes-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  it('inject → start (free, raw code) → status (follow) → result (output as JSON)', async function () {
    await helper.load(NODES, flow(sandbox.url), credentials);
    const out = nextMessage('out', 15_000);
    const changes: Received[] = [];
    helper.getNode('changes').on('input', (msg: Received) => changes.push(msg));
    helper.getNode('start').receive({ topic: 'reading-42', payload: 'go' });
    const result = await out;
    assert.deepEqual(result.payload, { sum: 42 });
    assert.equal(result.topic, 'reading-42', 'the flow\'s own properties travel with the job');
    assert.ok(changes.length >= 1, 'status changes were reported');
    assert.ok(changes.every((c) => (c.payload as JobPayload).done === false));
    assert.deepEqual(statusCalls('start')[0], { fill: 'blue', shape: 'ring', text: 'compute-start.status.starting' });
    assert.equal(statusCalls('start').at(-1)!.fill, 'green');
    assert.equal(statusCalls('status').at(-1)!.fill, 'green');
    assert.equal(statusCalls('result').at(-1)!.fill, 'green');
  });

  it('takes the data from the message where a field is blank, and code and payment only where the dialog points at the message', async function () {
    const extra = [
      { id: 'envs', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'pick', modeType: 'mode', tier: 'free', tierType: 'tier', wires: [['start']] },
    ];
    const start = {
      algorithmCode: '',
      algocustomdata: '',
      algorithm: 'algorithm',
      algorithmType: 'msg',
      environment: 'ocean.environment',
      environmentType: 'msg',
      maxJobDuration: 'maxJobDuration',
      maxJobDurationType: 'msg',
    };
    await helper.load(NODES, flow(sandbox.url, extra, start), credentials);
    const out = nextMessage('out', 15_000);
    helper.getNode('envs').receive({
      dataset: files.url('/readings.csv'),
      algorithm: { rawcode: STATISTICS_ALGORITHM },
      algocustomdata: { sensor: 'temp-2' },
      maxJobDuration: 30,
      // Not pointed at the message in the dialog: ignored.
      free: false,
      resources: [{ id: 'cpu', amount: 4 }],
      environment: 'some-other-environment',
    });
    const result = await out;
    const stats = result.payload as { files: number; sensors: Record<string, { count: number }> };
    assert.equal(stats.files, 1, 'the URL dataset reached the algorithm');
    assert.deepEqual(Object.keys(stats.sensors), ['temp-2']);
    const started = (result.ocean ?? {}) as { environment?: string; jobId?: string };
    assert.match(String(started.environment), /^0x[0-9a-f]{64}-0x/, 'c2d-envs chose the environment');
    const job = sandbox.context.jobs.get(String(started.jobId).split('-').pop() ?? '');
    assert.equal(job?.maxJobDuration, 30);
    assert.equal(job?.free, true, 'the node is set to free; msg.free does not change that');
    assert.deepEqual(job?.resources.find((r) => r.id === 'cpu')?.amount, 1, 'msg.resources is not read');
  });

  it('compute-status and compute-result take the message\'s choice where their fields say so', async function () {
    const extra = [
      { id: 'status2', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: '', modeType: 'mode', wires: [['out2'], []] },
      { id: 'out2', type: 'helper', z: 'f1' },
      { id: 'result2', type: 'compute-result', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', result: '', resultType: 'kind', format: 'format', formatType: 'msg', unpack: true, maxBytes: '', maxBytesType: 'num', wires: [['out2']] },
    ];
    await helper.load(NODES, flow(sandbox.url, extra, {}), credentials);
    const { out } = await sendAndWait('start', {}, ['out'], 15_000);
    const jobId = String(out!.jobId);
    // Mode left blank: msg.mode chooses.
    const all = await sendAndWait('status2', { jobId, mode: 'all' }, ['out2', 'caught'], 5000);
    assert.ok(Array.isArray(all.out2?.payload), 'msg.mode "all" lists the jobs');
    // Result left blank (msg.result), format pointed at msg.format.
    const log = await sendAndWait('result2', { jobId, result: 'algorithmLog', format: 'text' }, ['out2', 'caught']);
    assert.equal(log.out2?.payload, 'adding 2 40\n');
    // The other node's result and format are set in the dialog: the message cannot change them.
    const fixed = await sendAndWait('result', { jobId, result: 'algorithmLog', format: 'text' }, ['out', 'caught']);
    assert.deepEqual(fixed.out?.payload, { sum: 42 });
    // msg.maxBytes lowers the limit...
    const small = await sendAndWait('result', { jobId, maxBytes: 5 }, ['out', 'caught']);
    assert.equal(small.caught?.error?.code, 'RESULT_TOO_LARGE');
    // ...and never raises it.
    const index = await sendAndWait('result2', { jobId, result: 0, format: 'text', maxBytes: 10 ** 12 }, ['out2', 'caught']);
    assert.match(String(index.out2?.payload), /Pulling from/, 'result 0 is the image log');
  });

  it('runs a published algorithm on a published dataset, service ids found in the DDOs', async function () {
    await helper.load(NODES, flow(sandbox.url, [], { dataset: assets.dataset, datasetType: 'str', algorithm: assets.statistics, algorithmType: 'str', algocustomdata: '' }), credentials);
    const out = nextMessage('out', 15_000);
    helper.getNode('start').receive({});
    const stats = (await out).payload as { sensors: Record<string, unknown> };
    assert.deepEqual(Object.keys(stats.sensors).sort(), ['humidity-1', 'temp-1', 'temp-2']);
  });

  it('stops a running job and reports the status after the stop', async function () {
    await helper.load(NODES, flow(sandbox.url, [], { algorithmCode: TICKER, algocustomdata: '' }), credentials);
    const { started } = await sendAndWait('start', {}, ['started']);
    const jobId = (started!.payload as JobPayload).jobId;
    for (let i = 0; i < 40 && sandbox.context.jobs.get(jobId.split('-').pop() ?? '')?.status !== 40; i++) await new Promise((r) => setTimeout(r, 50));
    const stopped = await sendAndWait('stop', { jobId }, ['stopped', 'caught']);
    assert.ok(stopped.stopped, JSON.stringify(stopped.caught?.error));
    const payload = stopped.stopped.payload as JobPayload;
    assert.equal(payload.jobId, jobId);
    assert.equal(payload.stopRequested, true);
    assert.equal(statusCalls('stop').at(-1)!.fill, 'green');
  });

  it('errors reach the Catch node with their code, and the nodes keep working', async function () {
    await helper.load(NODES, flow(sandbox.url), credentials);
    const bad = await sendAndWait('start', { dataset: 'ftp://nowhere/x.csv' }, ['caught', 'started']);
    assert.equal(bad.caught?.error?.code, 'INVALID_INPUT');
    assert.match(String(bad.caught?.error?.message), /msg\.dataset: expected a DID/);
    assert.equal(statusCalls('start').at(-1)!.fill, 'red');

    const unknown = `${'0x'.padEnd(66, '1')}-${'2'.repeat(64)}`;
    const stop = await sendAndWait('stop', { jobId: unknown }, ['caught', 'stopped']);
    assert.equal(stop.caught?.error?.code, 'NOT_FOUND');
    assert.equal((stop.caught?.error?.cause as { jobId?: string }).jobId, unknown);

    const { started } = await sendAndWait('start', { algorithmCode: TICKER }, ['started']);
    const early = await sendAndWait('result', { jobId: (started!.payload as JobPayload).jobId }, ['caught', 'out']);
    assert.equal(early.caught?.error?.code, 'RESULT_NOT_READY');

    const good = await sendAndWait('start', {}, ['started']);
    assert.equal(statusCalls('start').at(-1)!.fill, 'green');
    assert.ok((good.started!.payload as JobPayload).jobId);
  });

  it('with "errors to a second output", a failure leaves on that output instead of going to Catch', async function () {
    const stopper = { id: 'stop2', type: 'compute-stop', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', errorOutput: true, outputs: 2, wires: [['stopped'], ['failures']] };
    await helper.load(NODES, flow(sandbox.url, [stopper, { id: 'failures', type: 'helper', z: 'f1' }]), credentials);
    const unknown = `${'0x'.padEnd(66, '1')}-${'3'.repeat(64)}`;
    const result = await sendAndWait('stop2', { jobId: unknown, topic: 't' }, ['failures', 'caught', 'stopped']);
    assert.ok(result.failures, 'the error output got the message');
    const error = result.failures.error as { code: string; message: string; cause: { jobId: string } };
    assert.equal(error.code, 'NOT_FOUND');
    assert.match(error.message, /^Job 0x1+-3+ is not known/);
    assert.equal(error.cause.jobId, unknown);
    assert.equal(result.failures.topic, 't');
  });

  it('a job followed across a Node-RED restart still delivers its result', async function () {
    const slowSum = `setTimeout(() => {${SUM}}, 1500);`;
    const nodes = flow(sandbox.url, [], { algorithmCode: slowSum });
    await helper.load(NODES, nodes, credentials);
    await sendAndWait('start', { topic: 'before-restart' }, ['started']);
    await new Promise((r) => setTimeout(r, 300));
    await helper.unload();
    assert.equal(sandbox.context.jobs.running().length, 1, 'the job runs on while Node-RED is down');
    await helper.load(NODES, nodes, credentials);
    const result = await nextMessage('out', 15_000);
    assert.deepEqual(result.payload, { sum: 42 });
    assert.equal(result.topic, 'before-restart');
  });

  it('follows 100 jobs with one status request per poll, and none once the flow is closed', async function () {
    this.timeout(60_000);
    // Shell jobs that wait: a hundred of them cost almost nothing to run.
    const nodes = flow(sandbox.url, [], { algorithmCode: 'sleep 20', container: 'shell', algocustomdata: '' });
    await helper.load(NODES, nodes.map((n) => (n.id === 'start' ? { ...n, wires: [['started']] } : n)), credentials);
    const ids: string[] = [];
    helper.getNode('started').on('input', (msg: Received) => ids.push((msg.payload as JobPayload).jobId));
    for (let i = 0; i < 100; i++) helper.getNode('start').receive({});
    for (let i = 0; i < 200 && ids.length < 100; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(ids.length, 100);
    const before = sandbox.requests.length;
    for (const jobId of ids) helper.getNode('status').receive({ jobId });
    // The tracker's polls list the wallet's jobs: a status request without a jobId.
    const statusRequests = (): RequestRecord[] => sandbox.requests.slice(before).filter((r) => r.method === 'GET' && r.path === '/api/services/compute');
    const listPolls = (): RequestRecord[] => statusRequests().filter((r) => !r.query.includes('jobId'));
    const byId = (): RequestRecord[] => statusRequests().filter((r) => r.query.includes('jobId'));
    // compute-status reads each job once when it arrives; after that, only the tracker's polls.
    await until(() => byId().length >= 100, 'each job read once');
    const firstPoll = listPolls().length;
    await until(() => listPolls().length >= firstPoll + 4, 'four polls');
    const polls = listPolls();
    assert.equal(byId().length, 100, 'each poll is one list request, no job asked for on its own');
    // A timer never fires early, so however loaded the machine, polls are at least an interval apart.
    for (let i = 1; i < polls.length; i++) assert.ok(polls[i]!.receivedAt - polls[i - 1]!.receivedAt >= 190, `poll ${i} came ${polls[i]!.receivedAt - polls[i - 1]!.receivedAt} ms after the one before`);
    await helper.unload();
    // A request written just before the close may still sit in the socket: let it arrive.
    await new Promise((r) => setTimeout(r, 50));
    const afterClose = sandbox.requests.length;
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(sandbox.requests.slice(afterClose).map((r) => `${r.method} ${r.path}?${r.query}`), [], 'no request after the flow closed');
  });
});

describe('compute nodes: a paid job on published assets (local chain)', function () {
  this.timeout(60_000);
  let setup: ChainSandbox;
  let userDir: string;

  before(async function () {
    const chain = await sharedChain();
    setup = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0 });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-paid-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  after(async function () {
    await helper.unload();
    await setup.sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  it('start (paid, dataset and algorithm DIDs) → status (follow) → result: the statistics', async function () {
    const chain = await sharedChain();
    const wallet = await fundedWallet(chain, { ocean: 20, datatokens: { [chain.assets.dataset.datatokenAddress]: 1, [chain.assets.statistics.datatokenAddress]: 1 } });
    const nodes = flow(setup.sandbox.url, [], {
      environment: 'paid',
      dataset: setup.assets.dataset,
      datasetType: 'str',
      algorithm: setup.assets.statistics,
      algorithmType: 'str',
      algorithmCode: '',
      algocustomdata: '',
      tier: 'paid',
      maxJobDuration: '60',
      maxJobDurationType: 'num',
    }).map((n) => (n.id === 'cfg' ? { ...n, chainId: String(chain.chainId), escrowAddress: chain.contracts.escrow } : n));
    await helper.load(NODES, nodes, { cfg: { privateKey: wallet.privateKey, rpcEndpoint: chain.rpcUrl } });
    const out = nextMessage('out', 30_000);
    helper.getNode('start').receive({});
    const stats = (await out).payload as { sensors: Record<string, { count: number }> };
    assert.equal(stats.sensors['humidity-1']?.count, 24);
    const job = setup.sandbox.context.jobs.running();
    assert.equal(job.length, 0);
  });
});
