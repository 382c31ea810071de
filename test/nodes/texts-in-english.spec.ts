import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexlify, randomBytes } from 'ethers';
import { LONG_RUNNING_ALGORITHM, NODE_CONTAINER, startSandbox, type HeldJobs, type Sandbox } from '../../sandbox';
import type { OceanConfigNode } from '../../src/nodes/lib/config-node';
import { OceanClient, type ComputeJob } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { english, inEnglish } from '../helpers/english';
import { followingStatus } from '../helpers/follow-nodes';
import { startHeldSandbox } from '../helpers/held-sandbox';
import { waitForJob } from '../helpers/jobs';
import { helper, nextMessage, packageNode, placed, sendAndWait, statusCalls, type FlowNode } from '../helpers/node-red';
import { closeProxiedSandbox, startProxiedSandbox, type ProxiedSandbox } from '../helpers/proxied-sandbox';
import { until } from '../helpers/until';

/**
 * What a person reads under each node and in the log, in the package's English: counts, job ids,
 * plural forms and error messages filled in, as Node-RED fills them from the catalogs.
 */
const NODES = inEnglish(['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode));
const wallet = testAccount(9);
const credentials = { cfg: { privateKey: wallet.privateKey } };
const SUM = "require('fs').writeFileSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/sum.json', '{\"sum\":42}'); console.log('added');";

/** The status dots a node showed, as "fill shape text". */
function dots(nodeId: string): string[] {
  return statusCalls(nodeId).map((s) => (s.fill ? `${s.fill} ${s.shape} ${s.text}` : 'cleared'));
}

/** The log lines of one level (Node-RED's numbers: 20 error, 30 warning, 40 info) so far. */
function logged(level: 20 | 30 | 40): string[] {
  return helper
    .log()
    .args.map((args: unknown[]) => args[0] as { level?: number; msg?: unknown })
    .filter((entry: { level?: number }) => entry.level === level)
    .map((entry: { msg?: unknown }) => String(entry.msg))
    .filter((text: string) => text !== 'undefined' && !text.startsWith('[helper]'));
}

function flow(url: string, nodes: FlowNode[], config: Record<string, unknown> = {}): FlowNode[] {
  return placed([
    { id: 'f1', type: 'tab' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', pollInterval: '0.1', ...config },
    ...nodes.map((n) => ({ z: 'f1', server: 'cfg', wires: [['out']], ...n })),
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ]);
}

const START = { type: 'compute-start', environment: 'free', environmentType: 'envpick', tier: 'free', tierType: 'tier', algorithmCode: SUM, container: 'node' };
const byMsg = { jobId: 'jobId', jobIdType: 'msg' };

function statusOf(job: Pick<ComputeJob, 'status' | 'statusText'>): string {
  return `${job.status} ${job.statusText.trim()}`;
}

describe('what the nodes say, in English', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let client: OceanClient;
  let userDir: string;
  let finished: ComputeJob;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    const environment = (await client.pickEnvironment({ free: true })).id;
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: SUM } } });
    finished = await waitForJob(client, job.jobId, 200);
  });

  after(async function () {
    client.close();
    await sandbox.close();
  });

  beforeEach(async function () {
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-english-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await rm(userDir, { recursive: true, force: true });
  });

  it('the test catalog fills parameters and plural forms, and names a missing key', function () {
    assert.equal(english('c2d-envs.status.listed', { count: 1 }), '1 environment');
    assert.equal(english('c2d-envs.status.listed', { count: 0 }), '0 environments');
    assert.equal(english('compute-start.status.following', { jobs: 3 }), 'following 3');
    assert.equal(english('compute-start.status.nothing'), 'MISSING compute-start.status.nothing');
  });

  describe('c2d-envs', function () {
    it('counts the environments that match, singular and plural', async function () {
      await helper.load(NODES, flow(sandbox.url, [{ id: 'node', type: 'c2d-envs', mode: 'list', modeType: 'mode' }]), credentials);
      const all = await sendAndWait('node', {}, ['out', 'caught']);
      assert.equal((all.out!.payload as unknown[]).length, 2);
      const free = await sendAndWait('node', { constraints: { free: true } }, ['out', 'caught']);
      assert.equal((free.out!.payload as unknown[]).length, 1);
      assert.deepEqual(dots('node'), ['blue ring requesting', 'green dot 2 environments', 'blue ring requesting', 'green dot 1 environment']);
    });

    it('names the picked environment by the first 12 characters of its id', async function () {
      await helper.load(NODES, flow(sandbox.url, [{ id: 'node', type: 'c2d-envs', mode: 'pick', modeType: 'mode' }]), credentials);
      const picked = await sendAndWait('node', { constraints: { free: true } }, ['out', 'caught']);
      const id = (picked.out!.payload as { id: string }).id;
      assert.ok(id.length > 12, id);
      assert.deepEqual(dots('node'), ['blue ring requesting', `green dot picked ${id.slice(0, 12)}`]);
    });
  });

  describe('compute-start', function () {
    it('says started, or quoted when only a quote was asked for', async function () {
      await helper.load(NODES, flow(sandbox.url, [{ id: 'node', ...START }]), credentials);
      const started = await sendAndWait('node', {}, ['out', 'caught']);
      assert.ok(started.out, JSON.stringify(started));
      const quoted = await sendAndWait('node', { quote: true, ocean: { note: 'kept' } }, ['out', 'caught']);
      assert.ok(quoted.out, JSON.stringify(quoted));
      const environment = (await client.pickEnvironment({ free: true })).id;
      assert.deepEqual(quoted.out.ocean, { note: 'kept', backend: 'ocean-node', chainId: 8996, environment });
      assert.deepEqual(dots('node'), ['blue ring starting', 'green dot started', 'blue ring starting', 'green dot quoted']);
    });

    it('counts the jobs it follows, then shows how the last one ended', async function () {
      await helper.load(NODES, flow(sandbox.url, [{ id: 'node', ...START, follow: true, followTimeout: '30', followTimeoutType: 'num' }]), credentials);
      const final = await sendAndWait('node', {}, ['out', 'caught'], 20_000);
      const job = final.out!.payload as ComputeJob;
      assert.equal(job.done, true);
      assert.deepEqual(dots('node'), ['blue ring starting', 'green dot following 1', `green dot ${statusOf(job)}`]);
    });

    it('shows that it waits when the backend asks it to, and for how long', async function () {
      sandbox.fail({ method: 'POST', path: '/api/services/freeCompute', status: 429, body: 'Rate limit exceeded. Try again in 1 seconds.' });
      await helper.load(NODES, flow(sandbox.url, [{ id: 'node', ...START }]), credentials);
      const started = await sendAndWait('node', {}, ['out', 'caught'], 10_000);
      assert.ok(started.out, JSON.stringify(started));
      assert.deepEqual(dots('node'), ['blue ring starting', 'yellow ring rate limited, again in 1 s', 'green dot started']);
    });

    it('with "fetch the output": one output file as the value, several by name, none for a failed job', async function () {
      const twoFiles = "const o = (process.env.OCEAN_C2D_DATA || '/data') + '/outputs/'; require('fs').writeFileSync(o + 'a.json', '{\"a\":1}'); require('fs').writeFileSync(o + 'b.txt', 'bee');";
      const following = { ...START, follow: true, followTimeout: '30', followTimeoutType: 'num', fetchOutput: true };
      await helper.load(
        NODES,
        flow(sandbox.url, [
          { id: 'one', ...following },
          { id: 'two', ...following, algorithmCode: twoFiles },
          { id: 'fails', ...following, algorithmCode: 'process.exit(3)' },
        ]),
        credentials,
      );
      const one = await sendAndWait('one', {}, ['out', 'caught'], 20_000);
      assert.deepEqual(one.out?.results, { sum: 42 }, JSON.stringify(one));
      const two = await sendAndWait('two', {}, ['out', 'caught'], 20_000);
      assert.deepEqual(two.out?.results, { 'a.json': { a: 1 }, 'b.txt': 'bee' }, JSON.stringify(two));
      const fails = await sendAndWait('fails', {}, ['out', 'caught'], 20_000);
      assert.equal((fails.out?.payload as ComputeJob).failed, true, JSON.stringify(fails));
      assert.equal('results' in fails.out!, false);
    });
  });

  describe('compute-status', function () {
    it('shows a job\'s status, and counts the wallet\'s jobs (plural)', async function () {
      await helper.load(NODES, flow(sandbox.url, [{ id: 'once', type: 'compute-status', ...byMsg, mode: 'once', modeType: 'mode', wires: [['out'], []] }, { id: 'all', type: 'compute-status', ...byMsg, mode: 'all', modeType: 'mode', wires: [['out'], []] }]), credentials);
      await sendAndWait('once', { jobId: finished.jobId }, ['out', 'caught']);
      assert.deepEqual(dots('once'), ['blue ring requesting', `green dot ${statusOf(finished).slice(0, 30)}`]);
      // A second job of the wallet, whatever ran before: the count is plural.
      await client.startJob({ environment: String(finished.environment), free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: SUM } } });
      const listed = await sendAndWait('all', { ocean: { note: 'kept' } }, ['out', 'caught']);
      assert.deepEqual(listed.out!.ocean, { note: 'kept', chainId: 8996 });
      const count = (listed.out!.payload as unknown[]).length;
      assert.ok(count >= 2, `${count} jobs`);
      assert.deepEqual(dots('all'), ['blue ring requesting', `green dot ${count} jobs`]);
    });

    it('counts the jobs it follows in a yellow ring', async function () {
      const environment = (await client.pickEnvironment({ free: true })).id;
      const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 2 } });
      await helper.load(NODES, flow(sandbox.url, [followingStatus({ id: 'node', server: 'cfg', timeout: '30', wires: [['out'], []] })]), credentials);
      const final = nextMessage('out', 20_000);
      helper.getNode('node').receive({ jobId });
      const job = (await final).payload as ComputeJob;
      assert.ok(dots('node').includes('yellow ring following 1'), JSON.stringify(dots('node')));
      assert.equal(dots('node').at(-1), `green dot ${statusOf(job).slice(0, 30)}`);
    });
  });

  describe('a followed job that does not end in time', function () {
    const timedOut: Array<[string, Record<string, unknown>]> = [
      ['compute-status', { type: 'compute-status', ...byMsg, mode: 'follow', modeType: 'mode', timeout: '1', timeoutType: 'num', wires: [['out'], []] }],
      ['compute-start', { ...START, algorithmCode: LONG_RUNNING_ALGORITHM, algocustomdata: '{"seconds":30}', algocustomdataType: 'json', follow: true, followTimeout: '1', followTimeoutType: 'num' }],
    ];
    for (const [node, fields] of timedOut) {
      it(`${node}: a red "timeout", and Catch gets the error with the job as last seen and the message's own properties`, async function () {
        let jobId = '';
        if (node === 'compute-status') {
          const environment = (await client.pickEnvironment({ free: true })).id;
          ({ jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 30 } }));
        }
        await helper.load(NODES, flow(sandbox.url, [{ id: 'node', type: node, ...fields }]), credentials);
        const { caught } = await sendAndWait('node', { jobId, topic: 'kept' }, ['out', 'caught'], 15_000);
        assert.ok(caught, 'reported to Catch');
        const job = caught.payload as ComputeJob;
        jobId ||= job.jobId;
        assert.equal(job.jobId, jobId);
        assert.equal(caught.topic, 'kept');
        assert.equal(caught.error!.code, 'TIMEOUT');
        assert.equal(caught.error!.message, `Job ${jobId} did not end within 1 s (last status: ${statusOf(job)}); it was not stopped`);
        assert.equal(dots('node').at(-1), 'red ring timeout');
        await client.stopJob(jobId);
      });
    }
  });

  describe('compute-result and compute-stop', function () {
    it('compute-result counts the files it fetched, singular and plural', async function () {
      await helper.load(
        NODES,
        flow(sandbox.url, [
          { id: 'one', type: 'compute-result', ...byMsg, result: 'output', resultType: 'kind', format: 'auto', formatType: 'format', unpack: false },
          { id: 'all', type: 'compute-result', ...byMsg, result: 'all', resultType: 'kind', format: 'buffer', formatType: 'format', unpack: false },
        ]),
        credentials,
      );
      await sendAndWait('one', { jobId: finished.jobId }, ['out', 'caught']);
      const all = await sendAndWait('all', { jobId: finished.jobId }, ['out', 'caught']);
      const files = (all.out!.files as unknown[]).length;
      assert.ok(files > 1, `${files} files`);
      assert.deepEqual(dots('one'), ['blue ring fetching', 'green dot 1 file']);
      assert.deepEqual(dots('all'), ['blue ring fetching', `green dot ${files} files`]);
    });

    it('compute-stop says the stop was asked for', async function () {
      const environment = (await client.pickEnvironment({ free: true })).id;
      const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 30 } });
      await helper.load(NODES, flow(sandbox.url, [{ id: 'node', type: 'compute-stop', ...byMsg }]), credentials);
      await sendAndWait('node', { jobId }, ['out', 'caught']);
      assert.deepEqual(dots('node'), ['blue ring stopping', 'green dot stop requested']);
    });
  });

  describe('compute-result\'s refusals name what the job has', function () {
    const resultNode = { id: 'node', type: 'compute-result', ...byMsg, result: 'result', resultType: 'msg', format: 'text', formatType: 'format', unpack: false };
    const refusal = async (msg: Record<string, unknown>): Promise<{ code?: string; message: string }> => {
      const answer = await sendAndWait('node', msg, ['out', 'caught']);
      assert.ok(answer.caught, `refused: ${JSON.stringify(answer.out?.payload)}`);
      return answer.caught.error!;
    };

    it('a finished job: an index it lacks, or a kind it lacks', async function () {
      await helper.load(NODES, flow(sandbox.url, [resultNode]), credentials);
      const count = finished.results.length;
      const kinds = [...new Set(finished.results.map((r) => r.kind))].join(', ');
      assert.ok(count > 1 && kinds.includes('output'), kinds);
      const index = await refusal({ jobId: finished.jobId, result: 99 });
      assert.deepEqual(index, { ...index, code: 'INVALID_INPUT', message: `result: expected the index of one of the job's ${count} results (0-${count - 1}), got 99` });
      const kind = await refusal({ jobId: finished.jobId, result: 'publishLog' });
      assert.deepEqual(kind, { ...kind, code: 'INVALID_INPUT', message: `result: expected a result kind the job has (it has ${kinds}), got "publishLog"` });
    });

    it('a running job: nothing yet, by kind, by "all" and by index', async function () {
      const environment = (await client.pickEnvironment({ free: true })).id;
      const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 30 } });
      await helper.load(NODES, flow(sandbox.url, [resultNode]), credentials);
      const notReady = (what: string): RegExp => new RegExp(`^Job ${jobId} has no ${what}yet \\(status \\d+ [A-Za-z ]+[a-z]\\); fetch it when the job is done$`);
      const output = await refusal({ jobId, result: 'output' });
      assert.equal(output.code, 'RESULT_NOT_READY');
      assert.match(output.message, notReady('output result '));
      const all = await refusal({ jobId, result: 'all' });
      assert.equal(all.code, 'RESULT_NOT_READY');
      assert.match(all.message, notReady('result '));
      const index = await refusal({ jobId, result: 0 });
      assert.equal(index.message, "result: expected the index of one of the job's 0 results (0-0), got 0");
      await client.stopJob(jobId);
    });

    it('an index as text picks that result; a blank choice the output', async function () {
      await helper.load(NODES, flow(sandbox.url, [resultNode]), credentials);
      const second = finished.results.find((r) => r.index === 1)!;
      const byText = await sendAndWait('node', { jobId: finished.jobId, result: '1' }, ['out', 'caught']);
      assert.equal((byText.out!.files as Array<{ name: string }>)[0]!.name, second.filename);
      const blank = await sendAndWait('node', { jobId: finished.jobId, result: '' }, ['out', 'caught']);
      assert.deepEqual((blank.out!.files as Array<{ name: string }>).map((f) => f.name), finished.results.filter((r) => r.kind === 'output').map((r) => r.filename));
    });
  });

  describe('the connection', function () {
    it('logs a wrong setting as an error naming the field', async function () {
      await helper.load(NODES, flow(sandbox.url, [], { escrowAddress: ' 0x1234 ' }), credentials);
      assert.deepEqual(logged(20), ['Ocean C2D connection: escrowAddress: expected the 0x address of the chain\'s Escrow contract, or nothing, got "0x1234"']);
    });

    it('tells a flow with the RPC URL in the flow file to move it', async function () {
      await helper.load(NODES, flow(sandbox.url, [], { rpcUrl: 'http://127.0.0.1:8545' }), credentials);
      assert.deepEqual(logged(30), [english('ocean-c2d-config.errors.rpcInFlow')]);
      assert.match(logged(30)[0]!, /^Ocean C2D connection: the RPC URL is still in the flow file/);
    });

    it('says how many followed jobs it picked up again after a restart', async function () {
      const environment = (await client.pickEnvironment({ free: true })).id;
      const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 30 } });
      const nodes = flow(sandbox.url, [followingStatus({ id: 'node', server: 'cfg', timeout: '60', wires: [['out'], ['changes']] }), { id: 'changes', type: 'helper', z: 'f1' }]);
      await helper.load(NODES, nodes, credentials);
      await sendAndWait('node', { jobId }, ['changes', 'caught']);
      await helper.unload();
      await helper.load(NODES, nodes, credentials);
      await until(() => logged(40).includes('following 1 compute jobs again after a restart'), 'the resume log line', 10_000);
      await client.stopJob(jobId);
    });

    it('shows the wallet of a deployed connection in the editor, and no key', async function () {
      await helper.load(NODES, flow(sandbox.url, []), credentials);
      const answer = await helper.request().get('/ocean-c2d-config/cfg/address').expect(200);
      assert.deepEqual(answer.body, { address: wallet.address });
      const unknown = await helper.request().get('/ocean-c2d-config/nope/address').expect(200);
      assert.deepEqual(unknown.body, { address: null });
    });

    it('shows no wallet for a connection without a key, or one whose settings are wrong', async function () {
      const other = (id: string, fields: Record<string, unknown> = {}): FlowNode => ({ id, type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', ...fields });
      await helper.load(NODES, [...flow(sandbox.url, []), other('broken', { authorizeJobs: '0' }), other('blank')], { broken: credentials.cfg, blank: { privateKey: '' } });
      // A blank key field is no key: the connection works, read-only.
      assert.equal((helper.getNode('blank') as unknown as OceanConfigNode).getClient().address, undefined);
      for (const id of ['cfg', 'broken', 'blank']) {
        const answer = await helper.request().get(`/ocean-c2d-config/${id}/address`).expect(200);
        assert.deepEqual(answer.body, { address: null }, id);
      }
    });
  });
});

describe('the connection\'s warnings about the jobs it follows, in English', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let held: HeldJobs;
  let client: OceanClient;
  let userDir: string;

  beforeEach(async function () {
    ({ sandbox, held } = await startHeldSandbox(16));
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-english-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    client.close();
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  const startHeld = async (count: number): Promise<ComputeJob[]> => {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const jobs: ComputeJob[] = [];
    for (let i = 0; i < count; i++) jobs.push(await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } }));
    return jobs;
  };

  it('names ten unfinished jobs no store holds, with their status, and counts the rest', async function () {
    const jobs = await startHeld(12);
    const statuses = new Map<string, string>();
    for (const job of jobs) statuses.set(job.jobId, statusOf(await client.getJob(job.jobId)));
    await helper.load(NODES, flow(sandbox.url, []), credentials);
    const lostMore = english('ocean-c2d-config.log.lostMore', { count: 2 });
    await until(() => logged(30).includes(lostMore), 'the count of the other lost jobs', 10_000);
    assert.match(lostMore, /^2 more unfinished jobs of this wallet are in no job store/);
    const named = logged(30).filter((text) => text !== lostMore);
    assert.equal(named.length, 10, named.join('\n'));
    for (const text of named) {
      const jobId = /^job (\S+) is unfinished/.exec(text)?.[1] ?? '';
      assert.ok(statuses.has(jobId), text);
      assert.equal(text, english('ocean-c2d-config.log.lost', { jobId, status: statuses.get(jobId) }));
    }
    assert.equal(new Set(named).size, 10, 'ten different jobs');
    for (const job of jobs) held.finish(job.jobId.split('-').pop() ?? '');
  });

  it('says when the wallet\'s jobs could not be compared with the followed ones, and why', async function () {
    sandbox.fail({ method: 'GET', path: '/api/services/compute', status: 500, body: 'the list is down' });
    await helper.load(NODES, flow(sandbox.url, []), credentials);
    const prefix = 'Ocean C2D connection: could not compare the wallet\'s unfinished jobs with the followed ones, so a job lost with a wiped user directory would go unnoticed: ';
    await until(() => logged(30).some((text) => text.startsWith(prefix)), 'the warning', 10_000);
    const [warning] = logged(30);
    assert.ok(warning!.length > prefix.length, warning);
    assert.ok(warning!.slice(prefix.length).includes('500'), warning);
  });

  it('says when the followed jobs could not be read back, and names the store\'s problem', async function () {
    const [job] = await startHeld(1);
    const nodes = flow(sandbox.url, [followingStatus({ id: 'node', server: 'cfg', timeout: '60', wires: [['out'], ['out']] })]);
    await helper.load(NODES, nodes, credentials);
    helper.getNode('node').receive({ jobId: job!.jobId });
    const tracker = (): ReturnType<OceanConfigNode['getTracker']> => (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();
    await until(() => tracker().has(job!.jobId), 'the follow', 10_000);
    await helper.unload();
    // The file store's snapshot, named after the connection, is no longer JSON; its change log is intact.
    await writeFile(join(userDir, 'ocean-c2d', 'jobs-cfg.json'), 'not json');
    await helper.load(NODES, nodes, credentials);
    await until(() => logged(30).some((text) => text.startsWith('Ocean C2D connection: ')), 'the warning', 10_000);
    const warnings = logged(30).filter((text) => text.startsWith('Ocean C2D connection: '));
    const file = join(userDir, 'ocean-c2d', 'jobs-cfg.json');
    assert.deepEqual(warnings, [`Ocean C2D connection: job store: The job tracker file ${file} is not JSON; it was moved to ${file}.corrupt; 1 followed job(s) could be read`]);
    await until(() => tracker().has(job!.jobId), 'the job read from the store\'s log, followed again', 10_000);
    held.finish(job!.jobId.split('-').pop() ?? '');
  });
});

describe('live logs asked of a backend without them (Provider v2), in English', function () {
  this.timeout(30_000);
  let setup: ProxiedSandbox;

  beforeEach(async function () {
    setup = await startProxiedSandbox('provider-v2', 'ocean-c2d-english-');
  });

  afterEach(async function () {
    await closeProxiedSandbox(setup);
  });

  it('compute-start warns once that the lines come from the algorithm log at the end', async function () {
    // A Provider v2 runs published algorithms on orders (taken by their form without a chain).
    const order = (did: string): string => JSON.stringify({ did, transferTxId: hexlify(randomBytes(32)) });
    const start = {
      id: 'node', type: 'compute-start', tier: 'free', tierType: 'tier', environment: 'any', environmentType: 'envpick',
      dataset: order(setup.assets.dataset), datasetType: 'json', algorithm: order(setup.assets.longRunning), algorithmType: 'json',
      algocustomdata: '{"seconds":0.2}', algocustomdataType: 'json',
      follow: true, logs: true, followTimeout: '30', followTimeoutType: 'num', outputs: 2, wires: [['out'], []],
    };
    await helper.load(NODES, flow(setup.sandbox.url, [start]), credentials);
    for (let i = 0; i < 2; i++) {
      const final = await sendAndWait('node', {}, ['out', 'caught'], 20_000);
      assert.ok(final.out, JSON.stringify(final));
    }
    assert.deepEqual(logged(30), ['This backend (Provider v2) has no live logs: each followed job\'s lines come from its algorithm log when it has ended']);
  });
});
