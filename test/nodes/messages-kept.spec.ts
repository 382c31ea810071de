import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient, type ComputeJob } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { startHostileProxy, type HostileProxy } from '../helpers/hostile-proxy';
import { waitForJob, waitUntil } from '../helpers/jobs';
import { helper, packageNode, placed, statusCalls, type FlowNode, type Received } from '../helpers/node-red';
import { until } from '../helpers/until';

/**
 * What each node sends, exactly: the incoming message with its own properties kept, the payload,
 * msg.jobId and msg.ocean; one message per input, on the output the node's settings name; the
 * status dots in order; failures either to Catch or to the error output, never both.
 */
const NODES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode);
const wallet = testAccount(8);
const credentials = { cfg: { privateKey: wallet.privateKey } };
const SUM = `
const fs = require('fs');
const data = process.env.OCEAN_C2D_DATA || '/data';
console.log('adding');
fs.writeFileSync(data + '/outputs/sum.json', JSON.stringify({ sum: 42 }));
`;
const TICKER = 'let n = 0; setInterval(() => console.log("tick " + ++n), 100);';

interface JobPayload {
  jobId: string;
  status: number;
  statusText: string;
  done: boolean;
  stopRequested: boolean;
}

/** Every message each helper node receives, in order. */
function collect(...ids: string[]): Record<string, Received[]> {
  const seen: Record<string, Received[]> = {};
  for (const id of ids) {
    seen[id] = [];
    helper.getNode(id).on('input', (msg: Received) => seen[id]!.push(msg));
  }
  return seen;
}

/** Waits (bounded) until `check` holds, driven by the messages the flow sends. */
/** The one message that reached `id` (fails when none or several did). */
function only(seen: Record<string, Received[]>, id: string): Received {
  assert.equal(seen[id]!.length, 1, `${id} got ${seen[id]!.length} messages`);
  return seen[id]![0]!;
}

function nothingOn(seen: Record<string, Received[]>, ...ids: string[]): void {
  for (const id of ids) assert.deepEqual(seen[id], [], `${id} got a message`);
}

/** The status dots a node showed, as "fill shape text". */
function dots(nodeId: string): string[] {
  return statusCalls(nodeId).map((s) => (s.fill ? `${s.fill} ${s.shape} ${s.text}` : 'cleared'));
}

const OUTPUTS = ['out', 'second', 'third', 'caught'];

function flow(url: string, nodes: FlowNode[]): FlowNode[] {
  return placed([
    { id: 'f1', type: 'tab' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', rpcUrl: '', pollInterval: '0.1' },
    ...nodes.map((n) => ({ z: 'f1', server: 'cfg', ...n })),
    ...OUTPUTS.map((id) => ({ id, type: 'helper', z: 'f1' })),
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
  ]);
}

const byMsg = { jobId: 'jobId', jobIdType: 'msg' };

/** A job list whose results do not say their sizes. */
function withoutSizes(body: unknown): unknown {
  return (body as Array<{ results: Array<Record<string, unknown>> }>).map((job) => ({ ...job, results: job.results.map(({ filesize: _size, ...rest }) => rest) }));
}

describe('node messages: what goes out, exactly', function () {
  this.timeout(40_000);
  let sandbox: Sandbox;
  let proxy: HostileProxy;
  let client: OceanClient;
  let userDir: string;
  let finished: ComputeJob;
  let environment: string;

  before(async function () {
    const base = DEFAULT_ENVIRONMENTS[0]!;
    const roomy = { ...base, cpu: 64, ram: 64, disk: 64, free: { ...base.free!, maxJobs: 100 } };
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [roomy] });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    environment = (await client.pickEnvironment({ free: true })).id;
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: SUM } } });
    finished = await waitForJob(client, job.jobId, 200);
  });

  after(async function () {
    client.close();
    await sandbox.close();
  });

  beforeEach(async function () {
    proxy = await startHostileProxy(sandbox.url);
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-messages-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await proxy.close();
    await rm(userDir, { recursive: true, force: true });
  });

  const startRunning = async (): Promise<string> => {
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: TICKER } } });
    return job.jobId;
  };

  describe('compute-stop', function () {
    it('sends the incoming message back with the stopped job: its own properties, msg.ocean merged, one message', async function () {
      await helper.load(NODES, flow(proxy.url, [{ id: 'node', type: 'compute-stop', ...byMsg, wires: [['out']] }]), credentials);
      const seen = collect(...OUTPUTS);
      const jobId = await startRunning();
      const ocean = { did: 'did:op:kept', note: 'from upstream', chainId: 1 };
      helper.getNode('node').receive({ _msgid: 'm-stop', jobId, topic: 'stop-it', payload: 'go', custom: { keep: [1, 2] }, ocean });
      await until(() => seen.out!.length + seen.caught!.length > 0, 'the stop', 10_000);
      const out = only(seen, 'out');
      nothingOn(seen, 'caught', 'second');
      assert.equal(out._msgid, 'm-stop', 'the same message travels on');
      assert.equal(out.topic, 'stop-it');
      assert.deepEqual(out.custom, { keep: [1, 2] });
      assert.equal(out.jobId, jobId);
      const payload = out.payload as JobPayload;
      assert.equal(payload.jobId, jobId);
      assert.equal(payload.stopRequested, true);
      assert.deepEqual(out.ocean, { did: 'did:op:kept', note: 'from upstream', chainId: 8996, backend: 'ocean-node', jobId, environment, consumerAddress: wallet.address });
      assert.deepEqual(dots('node'), ['blue ring compute-stop.status.stopping', 'green dot compute-stop.status.stopped']);
    });

    it('several stops at once: one message each, and the dot counts what is in flight', async function () {
      await helper.load(NODES, flow(proxy.url, [{ id: 'node', type: 'compute-stop', ...byMsg, wires: [['out']] }]), credentials);
      const seen = collect(...OUTPUTS);
      const ids = [await startRunning(), await startRunning()];
      proxy.rewrite({ method: 'PUT', path: '/api/services/compute', delayMs: 150, times: 2 });
      ids.forEach((jobId, i) => helper.getNode('node').receive({ jobId, n: i }));
      await until(() => seen.out!.length === 2, 'two stops', 10_000);
      nothingOn(seen, 'caught');
      assert.deepEqual(seen.out!.map((m) => [m.n, m.jobId]).sort(), [[0, ids[0]], [1, ids[1]]]);
      assert.deepEqual(dots('node'), [
        'blue ring compute-stop.status.stopping',
        'blue ring compute-stop.status.stopping (2)',
        'blue ring compute-stop.status.stopping (1)',
        'green dot compute-stop.status.stopped',
      ]);
    });
  });

  describe('compute-result', function () {
    it('a result asked for by number is the one with that index, wherever the node lists it', async function () {
      // A node may list its results in another order than their indexes.
      proxy.rewrite({ method: 'GET', path: '/api/services/compute', json: (body) => (body as Array<{ results: unknown[] }>).map((job) => ({ ...job, results: [...job.results].reverse() })) });
      const node = { id: 'node', type: 'compute-result', ...byMsg, result: '', resultType: 'kind', format: 'text', formatType: 'format', unpack: false, wires: [['out']] };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      for (const index of [2, 0]) helper.getNode('node').receive({ jobId: finished.jobId, result: index });
      await until(() => seen.out!.length + seen.caught!.length === 2, 'two results', 10_000);
      nothingOn(seen, 'caught');
      const [log, image] = seen.out!;
      assert.equal(log!.payload, 'adding\n', 'index 2 is the algorithm log');
      assert.deepEqual((log!.files as Array<{ index: number; name: string }>).map((f) => [f.index, f.name]), [[2, 'algorithm.log']]);
      assert.match(String(image!.payload), /Pulling from/, 'index 0 is the image log');
      const fetched = proxy.requests.filter((r) => r.url.startsWith('/api/services/computeResult')).map((r) => new URL(r.url, 'http://x').searchParams.get('index'));
      assert.deepEqual(fetched, ['2', '0']);
    });

    it('keeps the message\'s properties and sends one message with the result', async function () {
      const node = { id: 'node', type: 'compute-result', ...byMsg, result: 'output', resultType: 'kind', format: 'json', formatType: 'format', unpack: true, wires: [['out']] };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      helper.getNode('node').receive({ _msgid: 'm-res', jobId: finished.jobId, topic: 'result', custom: 7, ocean: { did: 'did:op:x' } });
      await until(() => seen.out!.length + seen.caught!.length > 0, 'the result', 10_000);
      const out = only(seen, 'out');
      nothingOn(seen, 'caught');
      assert.equal(out._msgid, 'm-res');
      assert.equal(out.topic, 'result');
      assert.equal(out.custom, 7);
      assert.deepEqual(out.payload, { sum: 42 });
      assert.equal(out.jobId, finished.jobId);
      assert.deepEqual(out.ocean, { did: 'did:op:x', jobId: finished.jobId, backend: 'ocean-node' });
      assert.deepEqual(out.files, [{ name: 'sum.json', kind: 'output', index: 3, size: 10, payload: { sum: 42 } }]);
      assert.deepEqual(dots('node'), ['blue ring compute-result.status.fetching', 'green dot compute-result.status.fetched']);
    });

    describe('results that fit one by one but not together', function () {
      const sizes = (): number[] => finished.results.map((r) => r.filesize ?? 0);
      const total = (): number => sizes().reduce((a, b) => a + b, 0);

      it('are refused before the one that does not fit is fetched', async function () {
        assert.equal(finished.results.length, 4);
        const limit = total() - 1;
        assert.ok(sizes().every((size) => size <= limit), 'each one fits alone');
        const node = { id: 'node', type: 'compute-result', ...byMsg, result: 'all', resultType: 'kind', format: 'buffer', formatType: 'format', unpack: false, maxBytes: String(limit), maxBytesType: 'num', wires: [['out']] };
        await helper.load(NODES, flow(proxy.url, [node]), credentials);
        const seen = collect(...OUTPUTS);
        helper.getNode('node').receive({ jobId: finished.jobId, topic: 'too much' });
        await until(() => seen.out!.length + seen.caught!.length > 0, 'an answer', 10_000);
        nothingOn(seen, 'out');
        const caught = only(seen, 'caught');
        assert.equal(caught.topic, 'too much');
        assert.equal(caught.error?.code, 'RESULT_TOO_LARGE');
        const last = finished.results[3]!;
        assert.equal(caught.error?.message, `Result 3 (outputs.tar, ${last.filesize} bytes) is larger than the ${limit} bytes allowed in a message; deliver it to a folder instead (format "file"), or raise the limit`);
        const fetched = proxy.requests.filter((r) => r.url.startsWith('/api/services/computeResult')).map((r) => new URL(r.url, 'http://x').searchParams.get('index'));
        assert.deepEqual(fetched, ['0', '1', '2'], 'the fourth was not downloaded');
        assert.deepEqual(dots('node'), ['blue ring compute-result.status.fetching', 'red ring result too large']);
      });

      it('are refused while streaming when the node does not say their sizes', async function () {
        proxy.rewrite({ method: 'GET', path: '/api/services/compute', json: withoutSizes });
        const limit = total() - 1;
        const node = { id: 'node', type: 'compute-result', ...byMsg, result: 'all', resultType: 'kind', format: 'buffer', formatType: 'format', unpack: false, maxBytes: String(limit), maxBytesType: 'num', wires: [['out']] };
        await helper.load(NODES, flow(proxy.url, [node]), credentials);
        const seen = collect(...OUTPUTS);
        helper.getNode('node').receive({ jobId: finished.jobId });
        await until(() => seen.out!.length + seen.caught!.length > 0, 'an answer', 10_000);
        nothingOn(seen, 'out');
        const error = only(seen, 'caught').error!;
        assert.equal(error.code, 'RESULT_TOO_LARGE');
        const left = limit - sizes().slice(0, 3).reduce((a, b) => a + b, 0);
        assert.equal(error.message, `Result 3 (outputs.tar) of job ${finished.jobId} is larger than ${left} bytes; write it to a file instead, or raise the limit`);
      });

      it('are refused when unpacked: the tar\'s files count against what is left', async function () {
        const limit = sizes().slice(0, 3).reduce((a, b) => a + b, 0) + 9;
        const node = { id: 'node', type: 'compute-result', ...byMsg, result: 'all', resultType: 'kind', format: 'buffer', formatType: 'format', unpack: true, maxBytes: String(limit + 10_000), maxBytesType: 'num', wires: [['out']] };
        // Without sizes from the node, the unpacked files are what is counted.
        proxy.rewrite({ method: 'GET', path: '/api/services/compute', json: withoutSizes });
        await helper.load(NODES, flow(proxy.url, [node]), credentials);
        const seen = collect(...OUTPUTS);
        // sum.json is 10 bytes: with 9 bytes left after the logs it does not fit; with 10 it does.
        helper.getNode('node').receive({ jobId: finished.jobId, maxBytes: limit });
        helper.getNode('node').receive({ jobId: finished.jobId, maxBytes: limit + 1 });
        await until(() => seen.out!.length + seen.caught!.length === 2, 'two answers', 10_000);
        assert.equal(only(seen, 'caught').error?.code, 'RESULT_TOO_LARGE');
        const out = only(seen, 'out');
        assert.deepEqual(Object.keys(out.payload as object), ['image.log', 'configuration.log', 'algorithm.log', 'sum.json']);
      });

      it('are refused on disk too, and what was written goes again', async function () {
        const node = { id: 'node', type: 'compute-result', ...byMsg, result: 'all', resultType: 'kind', format: 'file', formatType: 'format', unpack: false, folder: join(userDir, 'results'), folderType: 'str', wires: [['out']] };
        await helper.load(NODES, flow(proxy.url, [node]), credentials);
        const seen = collect(...OUTPUTS);
        helper.getNode('node').receive({ jobId: finished.jobId });
        await until(() => seen.out!.length + seen.caught!.length > 0, 'the first fetch', 10_000);
        const files = only(seen, 'out').files as Array<{ size: number; path: string }>;
        const written = files.reduce((sum, f) => sum + f.size, 0);
        const folder = dirname(files[0]!.path);
        const limit = written - 1;
        const tar = files[3]!.size;

        helper.getNode('node').receive({ jobId: finished.jobId, maxBytes: limit });
        await until(() => seen.caught!.length > 0, 'the refusal', 10_000);
        assert.equal(seen.caught![0]!.error?.code, 'RESULT_TOO_LARGE');
        assert.equal(seen.caught![0]!.error?.message, `Result 3 (outputs.tar, ${tar} bytes) is larger than the ${limit} bytes allowed on disk; deliver it to a folder instead (format "file"), or raise the limit`);
        assert.deepEqual(await readdir(folder), ['.ocean-c2d-job.json'], 'the fetch that failed left no file');

        proxy.rewrite({ method: 'GET', path: '/api/services/compute', json: withoutSizes, times: 1 });
        helper.getNode('node').receive({ jobId: finished.jobId, maxBytes: limit });
        await until(() => seen.caught!.length > 1, 'the second refusal', 10_000);
        assert.equal(seen.caught![1]!.error?.message, `Result 3 (outputs.tar) of job ${finished.jobId} is larger than ${tar - 1} bytes, the limit set for it`);
        assert.deepEqual(await readdir(folder), ['.ocean-c2d-job.json']);
        assert.equal(seen.out!.length, 1);
      });
    });
  });

  describe('compute-status', function () {
    it('follow: each status once on the second output, the final one once on the first, the message kept', async function () {
      const node = { id: 'node', type: 'compute-status', ...byMsg, mode: 'follow', modeType: 'mode', timeout: '30', timeoutType: 'num', wires: [['out'], ['second']] };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      const slow = `setTimeout(() => {${SUM}}, 1200);`;
      const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: slow } } });
      // Followed while it runs: the tracker's first poll sees the status the node already sent.
      await waitUntil(client, jobId, (job) => job.status === 40);
      helper.getNode('node').receive({ _msgid: 'm-follow', jobId, topic: 'follow-me' });
      await until(() => seen.out!.length > 0, 'the final status', 20_000);
      const final = only(seen, 'out');
      nothingOn(seen, 'caught');
      assert.equal(final._msgid, 'm-follow');
      assert.equal(final.topic, 'follow-me');
      assert.equal((final.payload as JobPayload).done, true);
      assert.equal((final.payload as JobPayload).status, 71);
      const changes = seen.second!.map((m) => `${(m.payload as JobPayload).status} ${(m.payload as JobPayload).statusText}`);
      assert.deepEqual(changes, [...new Set(changes)], `each status once: ${changes.join(', ')}`);
      assert.equal(changes[0], '40 Running algorithm ', 'the status when the follow began, first and once');
      const numbers = seen.second!.map((m) => (m.payload as JobPayload).status);
      assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'in the order the job went through them');
      assert.ok(seen.second!.every((m) => m.topic === 'follow-me' && m.jobId === jobId && (m.payload as JobPayload).done === false));
      const calls = dots('node');
      assert.equal(calls[0], 'blue ring compute-status.status.requesting');
      assert.equal(calls.at(-1), 'green dot 71 Job settling');
    });

    it('once: one message on the first output and none on the second', async function () {
      const node = { id: 'node', type: 'compute-status', ...byMsg, mode: 'once', modeType: 'mode', wires: [['out'], ['second']] };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      helper.getNode('node').receive({ _msgid: 'm-once', jobId: finished.jobId, topic: 'once', ocean: { keep: true } });
      await until(() => seen.out!.length + seen.caught!.length > 0, 'the status', 10_000);
      const out = only(seen, 'out');
      nothingOn(seen, 'second', 'caught');
      assert.equal(out._msgid, 'm-once');
      assert.equal(out.topic, 'once');
      assert.equal((out.payload as JobPayload).jobId, finished.jobId);
      assert.deepEqual(out.ocean, { keep: true, backend: 'ocean-node', chainId: 8996, jobId: finished.jobId, environment, consumerAddress: wallet.address });
      assert.deepEqual(dots('node'), ['blue ring compute-status.status.requesting', 'green dot 71 Job settling']);
    });

    it('a failure goes to Catch with the message, and nothing leaves the outputs', async function () {
      const node = { id: 'node', type: 'compute-status', ...byMsg, mode: 'once', modeType: 'mode', wires: [['out'], ['second']] };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      const unknown = `${environment.split('-')[0]}-${'ab'.repeat(32)}`;
      helper.getNode('node').receive({ jobId: unknown, topic: 'lost' });
      await until(() => seen.out!.length + seen.caught!.length > 0, 'the failure', 10_000);
      nothingOn(seen, 'out', 'second');
      const caught = only(seen, 'caught');
      assert.equal(caught.topic, 'lost');
      assert.equal(caught.error?.code, 'NOT_FOUND');
      assert.equal(caught.error?.source?.id, 'node');
      assert.deepEqual(dots('node'), ['blue ring compute-status.status.requesting', 'red ring not found']);
    });
  });

  describe('compute-start', function () {
    it('sends the incoming message with the job: properties kept, msg.ocean merged, one message', async function () {
      const node = {
        id: 'node',
        type: 'compute-start',
        environment: 'free',
        environmentType: 'envpick',
        algorithmCode: SUM,
        container: 'node',
        tier: 'free',
        tierType: 'tier',
        wires: [['out']],
      };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      helper.getNode('node').receive({ _msgid: 'm-start', topic: 'start', custom: { a: 1 }, ocean: { mine: 'kept', jobId: 'old' } });
      await until(() => seen.out!.length + seen.caught!.length > 0, 'the start', 10_000);
      const out = only(seen, 'out');
      nothingOn(seen, 'caught');
      assert.equal(out._msgid, 'm-start');
      assert.equal(out.topic, 'start');
      assert.deepEqual(out.custom, { a: 1 });
      const payload = out.payload as JobPayload;
      assert.equal(out.jobId, payload.jobId);
      assert.deepEqual(out.ocean, { mine: 'kept', jobId: payload.jobId, backend: 'ocean-node', chainId: 8996, environment, consumerAddress: wallet.address });
      assert.deepEqual(dots('node'), ['blue ring compute-start.status.starting', 'green dot compute-start.status.started']);
    });
  });

  describe('c2d-envs', function () {
    it('pick: the environment as payload, msg.ocean merged, the message kept', async function () {
      const node = { id: 'node', type: 'c2d-envs', mode: 'pick', modeType: 'mode', tier: 'free', tierType: 'tier', wires: [['out']] };
      await helper.load(NODES, flow(proxy.url, [node]), credentials);
      const seen = collect(...OUTPUTS);
      helper.getNode('node').receive({ _msgid: 'm-envs', topic: 'pick', ocean: { jobId: 'kept' } });
      await until(() => seen.out!.length + seen.caught!.length > 0, 'the pick', 10_000);
      const out = only(seen, 'out');
      assert.equal(out._msgid, 'm-envs');
      assert.equal(out.topic, 'pick');
      assert.equal((out.payload as { id: string }).id, environment);
      assert.deepEqual(out.ocean, { jobId: 'kept', backend: 'ocean-node', chainId: 8996, environment });
      assert.deepEqual(dots('node'), ['blue ring c2d-envs.status.requesting', `green dot c2d-envs.status.picked`]);
    });
  });

  describe('errors: to Catch, or to the error output, never both', function () {
    const unknownJob = (): string => `${environment.split('-')[0]}-${'cd'.repeat(32)}`;
    const cases: Array<{ name: string; node: { type: string; [key: string]: unknown }; msg: () => Record<string, unknown>; code: string; dot: string }> = [
      { name: 'compute-stop', node: { type: 'compute-stop', ...byMsg }, msg: () => ({ jobId: unknownJob() }), code: 'NOT_FOUND', dot: 'red ring not found' },
      { name: 'compute-result', node: { type: 'compute-result', ...byMsg, result: 'output', resultType: 'kind', format: 'auto', formatType: 'format' }, msg: () => ({ jobId: unknownJob() }), code: 'NOT_FOUND', dot: 'red ring not found' },
      {
        name: 'compute-start',
        node: { type: 'compute-start', environment: 'free', environmentType: 'envpick', algorithmCode: SUM, container: 'node', tier: 'free', tierType: 'tier', dataset: 'dataset', datasetType: 'msg' },
        msg: () => ({ dataset: 'ftp://nowhere/x.csv' }),
        code: 'INVALID_INPUT',
        dot: 'red ring invalid input',
      },
      { name: 'c2d-envs', node: { type: 'c2d-envs', mode: 'pick', modeType: 'mode', tier: 'free', tierType: 'tier', minCpu: '1000', minCpuType: 'num' }, msg: () => ({}), code: 'NO_MATCHING_ENVIRONMENT', dot: 'red ring no matching environment' },
    ];

    for (const { name, node, msg, code, dot } of cases) {
      it(`${name}: to Catch by default, with the message's properties`, async function () {
        await helper.load(NODES, flow(proxy.url, [{ id: 'node', ...node, wires: [['out']] }]), credentials);
        const seen = collect(...OUTPUTS);
        helper.getNode('node').receive({ ...msg(), _msgid: 'm-err', topic: 'failing' });
        await until(() => seen.out!.length + seen.caught!.length > 0, 'the failure', 10_000);
        nothingOn(seen, 'out', 'second');
        const caught = only(seen, 'caught');
        assert.equal(caught._msgid, 'm-err');
        assert.equal(caught.topic, 'failing');
        assert.equal(caught.error?.code, code);
        assert.equal(caught.error?.source?.id, 'node');
        assert.equal(dots('node').at(-1), dot);
      });

      it(`${name}: with an error output, only there, msg.error set and the message kept`, async function () {
        await helper.load(NODES, flow(proxy.url, [{ id: 'node', ...node, errorOutput: true, outputs: 2, wires: [['out'], ['second']] }]), credentials);
        const seen = collect(...OUTPUTS);
        helper.getNode('node').receive({ ...msg(), _msgid: 'm-err2', topic: 'failing' });
        await until(() => seen.out!.length + seen.second!.length + seen.caught!.length > 0, 'the failure', 10_000);
        nothingOn(seen, 'out', 'caught');
        const failed = only(seen, 'second');
        assert.equal(failed._msgid, 'm-err2');
        assert.equal(failed.topic, 'failing');
        const error = failed.error as { code: string; message: string; cause: { code: string; message: string; retryable: boolean } };
        assert.deepEqual(Object.keys(error), ['message', 'code', 'cause']);
        assert.equal(error.code, code);
        assert.equal(error.cause.code, code);
        assert.equal(error.cause.message, error.message);
        assert.equal(dots('node').at(-1), dot);
      });
    }
  });
});
