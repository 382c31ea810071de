import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient, readLimited } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { failure } from '../helpers/failure';
import { startHostileProxy, type HostileProxy } from '../helpers/hostile-proxy';
import { waitForJob } from '../helpers/jobs';
import { helper, packageNode, placed, sendAndWait, type FlowNode } from '../helpers/node-red';
import { tarOf, trickle } from '../helpers/tar-stream';

const NODES = ['ocean-c2d-config', 'compute-result'].map(packageNode);
const wallet = testAccount(9);
const WRITE_OUTPUT = "require('fs').writeFileSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/out.json', JSON.stringify({ ok: true }));";
const RESULT = '/api/services/computeResult';
const STATUS = '/api/services/compute';

type Job = Record<string, unknown> & { results?: Array<Record<string, unknown>> };

/** A local server that counts what reaches it: where a hostile redirect would send a request. */
async function witness(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('a hostile backend: sizes, job ids, redirects, huge and slow answers', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let proxy: HostileProxy;
  let userDir: string;
  let jobId: string;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    const environment = (await client.pickEnvironment({ free: true })).id;
    jobId = (await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: WRITE_OUTPUT } } })).jobId;
    await waitForJob(client, jobId, 200);
    client.close();
  });

  after(async function () {
    await sandbox.close();
  });

  beforeEach(async function () {
    proxy = await startHostileProxy(sandbox.url);
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-hostile-'));
    helper.settings({ userDir } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await proxy.close();
    await rm(userDir, { recursive: true, force: true });
  });

  function flow(result: Record<string, unknown> = {}): FlowNode[] {
    return placed([
      { id: 'f1', type: 'tab' },
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: proxy.url, chainId: '8996' },
      { id: 'result', type: 'compute-result', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', result: 'output', resultType: 'kind', format: 'auto', formatType: 'format', unpack: true, ...result, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f1' },
    ]);
  }

  const load = (result: Record<string, unknown> = {}): Promise<void> => helper.load(NODES, flow(result), { cfg: { privateKey: wallet.privateKey } });
  const fetch = (msg: Record<string, unknown> = {}): Promise<Record<string, { payload?: unknown; error?: { code?: string; message: string }; files?: unknown }>> =>
    sendAndWait('result', { jobId, ...msg }, ['out', 'caught'], 15_000);

  /** The job's status as the backend lists it, with the output's size understated. */
  const understateSizes = (): void =>
    proxy.rewrite({ method: 'GET', path: STATUS, json: (jobs) => (jobs as Job[]).map((job) => ({ ...job, results: job.results?.map((r) => ({ ...r, filesize: 10 })) })) });
  /** Answers the output with an archive of `size` bytes, in 1 KiB writes. */
  const bigOutput = async (files: Record<string, number>, times = 1): Promise<void> => {
    const archive = await tarOf(files);
    proxy.rewrite({ method: 'GET', path: RESULT, times, respond: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      trickle(archive).pipe(res);
    } });
  };

  describe('sizes: a result over the limit is refused on the message, never a crash', function () {
    it('in the message, with the size left out of the job\'s list and a message asking for more: RESULT_TOO_LARGE, and the next fetch works', async function () {
      await load({ maxBytes: '100000' });
      understateSizes();
      await bigOutput({ 'outputs/big.bin': 400_000 });
      const refused = await fetch({ maxBytes: 10 ** 9 });
      assert.equal(refused.caught?.error?.code, 'RESULT_TOO_LARGE', 'msg.maxBytes does not raise the node\'s limit');
      const next = await fetch();
      assert.deepEqual(next.out?.payload, { ok: true }, 'the node keeps working');
    });

    it('to a folder, over the disk limit: RESULT_TOO_LARGE, and what was partly written is removed', async function () {
      await load({ format: 'file', maxFileBytes: '100000' });
      understateSizes();
      await bigOutput({ 'outputs/a.bin': 60_000, 'outputs/b.bin': 400_000 });
      const refused = await fetch();
      assert.equal(refused.caught?.error?.code, 'RESULT_TOO_LARGE');
      assert.deepEqual(readdirSync(join(userDir, 'ocean-c2d-results')), [], 'the job folder it made is gone');
      const next = await fetch();
      assert.equal((next.out?.files as unknown[]).length, 1);
    });

    it('to a folder, a result that is no archive, over the disk limit: refused and removed', async function () {
      await load({ format: 'file', unpack: false, maxFileBytes: '100000' });
      understateSizes();
      proxy.rewrite({ method: 'GET', path: RESULT, times: 1, respond: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        trickle(Buffer.alloc(500_000, 'x')).pipe(res);
      } });
      const refused = await fetch();
      assert.equal(refused.caught?.error?.code, 'RESULT_TOO_LARGE');
      assert.deepEqual(readdirSync(join(userDir, 'ocean-c2d-results')), []);
    });
  });

  describe('job ids: the node deletes nothing it did not write', function () {
    const HOSTILE = 'c0ffee-projects';

    /** The backend calls the job "c0ffee-projects": in its answers, and it maps the id back in requests. */
    function renameJob(): void {
      const [cluster, local] = [jobId.slice(0, jobId.indexOf('-')), jobId.slice(jobId.indexOf('-') + 1)];
      proxy.mapRequests((url) => url.replace(encodeURIComponent(HOSTILE), encodeURIComponent(jobId)));
      proxy.rewrite({
        method: 'GET',
        path: STATUS,
        json: (jobs) => (jobs as Job[]).map((job) => (job.jobId === local ? { ...job, jobId: 'projects', environment: String(job.environment).replace(cluster, 'c0ffee') } : job)),
      });
    }

    it('a job id ending in a folder the user has: the user\'s folder stays, the results go to the node\'s own', async function () {
      const base = join(userDir, 'shared');
      mkdirSync(join(base, 'projects'), { recursive: true });
      writeFileSync(join(base, 'projects', 'thesis.txt'), 'years of work');
      renameJob();
      await load({ format: 'file', folder: base, folderType: 'str' });
      const fetched = await sendAndWait('result', { jobId: HOSTILE }, ['out', 'caught'], 15_000);
      assert.ok(fetched.out, fetched.caught?.error?.message);
      assert.equal(readFileSync(join(base, 'projects', 'thesis.txt'), 'utf8'), 'years of work');
      assert.deepEqual(readdirSync(join(base, 'ocean-job-projects')).sort(), ['.ocean-c2d-job.json', 'out.json']);
      // Fetching again replaces the node's own files and nothing else.
      writeFileSync(join(base, 'ocean-job-projects', 'notes.txt'), 'mine');
      await sendAndWait('result', { jobId: HOSTILE }, ['out', 'caught'], 15_000);
      assert.deepEqual(readdirSync(join(base, 'ocean-job-projects')).sort(), ['.ocean-c2d-job.json', 'notes.txt', 'out.json']);
    });

    it('a folder of the node\'s name that the node did not write is refused and left as it is', async function () {
      const base = join(userDir, 'shared');
      mkdirSync(join(base, 'ocean-job-projects'), { recursive: true });
      writeFileSync(join(base, 'ocean-job-projects', 'keep.txt'), 'keep');
      renameJob();
      await load({ format: 'file', folder: base, folderType: 'str' });
      const refused = await sendAndWait('result', { jobId: HOSTILE }, ['out', 'caught'], 15_000);
      assert.equal(refused.caught?.error?.code, 'UNSAFE_RESULT');
      assert.deepEqual(readdirSync(join(base, 'ocean-job-projects')), ['keep.txt']);
    });
  });

  describe('redirects', function () {
    it('a signed request is never sent on to another host by a redirect', async function () {
      const other = await witness();
      try {
        proxy.rewrite({ method: 'GET', path: RESULT, respond: (_req, res) => {
          res.writeHead(307, { location: `${other.url}${RESULT}` });
          res.end();
        } });
        const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey });
        const error = await failure(client.openResult(jobId, 0));
        client.close();
        assert.equal(error.code, 'BAD_RESPONSE');
        assert.match(error.message, /answered with a redirect \(HTTP 307 to http:\/\/127\.0\.0\.1:\d+\), which a signed request does not follow/);
        assert.deepEqual(other.hits, [], 'neither signature nor token reached the other host');
      } finally {
        await other.close();
      }
    });

    it('an unsigned request follows a redirect on the same server only', async function () {
      const other = await witness();
      try {
        const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996 });
        await client.connect();
        proxy.rewrite({ method: 'GET', path: '/api/services/computeEnvironments', times: 1, respond: (_req, res) => {
          res.writeHead(302, { location: `${other.url}/latest/meta-data/` });
          res.end();
        } });
        const error = await failure(client.environments());
        assert.equal(error.code, 'BAD_RESPONSE');
        assert.match(error.message, /redirected to http:\/\/127\.0\.0\.1:\d+, another server, which is not followed/);
        assert.deepEqual(other.hits, []);
        proxy.rewrite({ method: 'GET', path: '/api/services/computeEnvironments', times: 1, respond: (_req, res) => {
          res.writeHead(302, { location: '/api/services/computeEnvironments?chainId=8996&again=1' });
          res.end();
        } });
        assert.equal((await client.environments()).length, 2, 'a redirect on the same server is followed');
        client.close();
      } finally {
        await other.close();
      }
    });
  });

  describe('huge and slow answers', function () {
    it('a JSON answer larger than the cap is refused, not parsed', async function () {
      proxy.rewrite({ method: 'GET', path: '/', respond: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, ' ');
        let sent = 0;
        const more = (): void => {
          while (sent < 40 && res.write(chunk)) sent += 1;
          if (sent >= 40) res.end('{}');
          else res.once('drain', () => { sent += 1; more(); });
        };
        more();
      } });
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996 });
      const error = await failure(client.connect());
      client.close();
      assert.equal(error.code, 'BAD_RESPONSE');
      assert.match(error.message, /answered more than 16777216 bytes/);
    });

    it('a body sent a byte at a time is cut off at the deadline', async function () {
      proxy.rewrite({ method: 'GET', path: '/', respond: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 200);
        setTimeout(() => {
          clearInterval(timer);
          res.end('{}');
        }, 8000);
        res.on('close', () => clearInterval(timer));
      } });
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, http: { timeoutMs: 1000, retries: 0 } });
      const started = Date.now();
      const error = await failure(client.connect());
      client.close();
      assert.equal(error.code, 'TIMEOUT');
      assert.ok(Date.now() - started < 3000, `cut off after ${Date.now() - started} ms`);
    });

    it('a result that stalls is cut off with TIMEOUT, as its reader sees it', async function () {
      proxy.rewrite({ method: 'GET', path: RESULT, respond: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write('partial');
      } });
      const client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey, http: { streamIdleMs: 300 } });
      const { stream } = await client.openResult(jobId, 0);
      const error = await failure(readLimited(stream, 1_000_000, 'the result'));
      client.close();
      assert.equal(error.code, 'TIMEOUT');
      assert.match(error.message, /sent nothing for 300 ms/);
    });
  });
});
