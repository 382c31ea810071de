import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { getBytes, keccak256, toUtf8Bytes, verifyMessage } from 'ethers';
import { addSampleAssets, DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startChainSandbox, startSandbox, type SampleAssets, type Sandbox } from '../../sandbox';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { sharedChain } from '../helpers/chain';
import { serveFiles, type FileServer } from '../helpers/file-server';
import { fundedWallet } from '../helpers/funded-wallet';
import { waitForJob } from '../helpers/jobs';
import { exchange, shapeOf } from '../helpers/recordings';
import { startWireLog, type WireLog, type WireRequest } from '../helpers/wire-log';

const consumer = testAccount(9);
const tx = (): string => `0x${randomBytes(32).toString('hex')}`;
const SIGNATURE = /^0x[0-9a-f]{130}$/;
const DIGITS = /^\d+$/;
/** The container as the recorded requests name it: no image checksum (Ocean Node needs none). */
const CONTAINER = { entrypoint: NODE_CONTAINER.entrypoint, image: NODE_CONTAINER.image, tag: NODE_CONTAINER.tag };

/** The address that signed `message` the way both backends check it (EIP-191 over keccak256 of the text). */
function signer(message: string, signature: unknown): string {
  return verifyMessage(getBytes(keccak256(toUtf8Bytes(message))), String(signature));
}

function only(requests: WireRequest[], what: string): WireRequest {
  assert.equal(requests.length, 1, `${what}: ${requests.length} requests`);
  return requests[0]!;
}

function bodyOf(request: WireRequest): Record<string, unknown> {
  assert.equal(typeof request.body, 'object', 'a JSON object body');
  assert.match(String(request.headers['content-type']), /^application\/json/);
  return request.body as Record<string, unknown>;
}

/** A recorded request body, its long algorithm text left out. */
function recordedBody(file: string, note: RegExp): Record<string, unknown> {
  return exchange(file, note).request.body as Record<string, unknown>;
}

/**
 * The requests the client puts on the wire, asserted as sent: method, path, query, headers, body
 * fields and their JSON types (numbers vs strings, arrays vs objects), against the protocol and
 * the requests a real Ocean Node v3.1.0 took. The sandbox would tolerate more; these do not.
 */
describe('requests on the wire', function () {
  this.timeout(30_000);

  describe('Ocean Node', function () {
    let sandbox: Sandbox;
    let wire: WireLog;
    let files: FileServer;
    let environment: string;
    const clients: OceanClient[] = [];
    const client = (useAuthToken: boolean, privateKey = consumer.privateKey): OceanClient => {
      const made = new OceanClient({ providerUrl: wire.url, chainId: 8996, privateKey, useAuthToken });
      clients.push(made);
      return made;
    };
    const free = (): StartJobRequest => ({
      environment,
      free: true,
      datasets: [{ fileObject: { type: 'url', url: files.url('/data.csv'), method: 'get' } }],
      algorithm: { meta: { rawcode: 'console.log(1)', container: CONTAINER } },
      resources: [
        { id: 'cpu', amount: 1 },
        { id: 'ram', amount: 1 },
        { id: 'disk', amount: 0 },
      ],
      maxJobDuration: 60,
    });

    before(async function () {
      const roomy = { ...DEFAULT_ENVIRONMENTS[0]!, cpu: 16, ram: 16, disk: 16, free: { ...DEFAULT_ENVIRONMENTS[0]!.free!, maxJobs: 20 } };
      sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [roomy] });
      files = await serveFiles({ '/data.csv': 'a,1\n' });
    });

    after(async function () {
      await files.close();
      await sandbox.close();
    });

    beforeEach(async function () {
      wire = await startWireLog(sandbox.url);
      const probe = new OceanClient({ providerUrl: sandbox.url, chainId: 8996 });
      environment = (await probe.pickEnvironment({ free: true })).id;
      probe.close();
    });

    afterEach(async function () {
      clients.splice(0).forEach((c) => c.close());
      await wire.close();
    });

    it('GET / once, environments with chainId, one request per signed call; a refused nonce asks for the stored one, by checksummed address', async function () {
      // A wallet of its own: its nonces are pushed ahead below.
      const own = testAccount(11);
      const c = client(false, own.privateKey);
      await c.environments();
      await c.startJob(free());
      assert.deepEqual(
        wire.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /', 'GET /api/services/computeEnvironments', 'POST /api/services/freeCompute'],
      );
      assert.deepEqual(wire.requests[1]!.query, { chainId: '8996' });
      for (const r of wire.requests.filter((x) => x.method === 'GET')) assert.equal(r.body, undefined, `${r.path}: no body`);
      const first = Number(bodyOf(wire.requests[2]!).nonce);
      // Another program used the wallet's nonces far ahead: the client reads the stored one and signs above it.
      const stored = BigInt(Date.now() + 3_600_000);
      sandbox.context.nonces.use(own.address, stored);
      wire.requests.length = 0;
      await c.startJob(free());
      assert.deepEqual(
        wire.requests.map((r) => `${r.method} ${r.path}`),
        ['POST /api/services/freeCompute', 'GET /api/services/nonce', 'POST /api/services/freeCompute'],
      );
      assert.deepEqual(wire.requests[1]!.query, { userAddress: own.address });
      const retried = bodyOf(wire.requests[2]!);
      assert.equal(BigInt(String(retried.nonce)), stored + 1n, 'the stored nonce + 1');
      assert.ok(Number(bodyOf(wire.requests[0]!).nonce) > first);
    });

    it('free start without a token: the recorded body, nonce as a string, signed over address + nonce + "freeStartCompute"', async function () {
      await client(false).startJob(free());
      const body = bodyOf(only(wire.to('/api/services/freeCompute', 'POST'), 'start'));
      assert.deepEqual(shapeOf(body), shapeOf(recordedBody('b-free-compute-lifecycle', /^free start: raw-code/)));
      assert.equal(body.consumerAddress, consumer.address);
      assert.equal(typeof body.nonce, 'string');
      assert.match(String(body.nonce), DIGITS);
      assert.match(String(body.signature), SIGNATURE);
      assert.equal(signer(`${consumer.address}${String(body.nonce)}freeStartCompute`, body.signature), consumer.address);
      assert.equal(body.environment, environment);
      assert.deepEqual(body.resources, free().resources);
      assert.equal(body.maxJobDuration, 60);
      assert.deepEqual(body.datasets, [{ fileObject: { type: 'url', url: files.url('/data.csv'), method: 'get' } }]);
      assert.ok(!('payment' in body), 'a free job names no payment');
      assert.equal(only(wire.to('/api/services/freeCompute'), 'start').headers.authorization, undefined);
    });

    it('with a token: the recorded token request, then the raw token in Authorization and no nonce in the body', async function () {
      await client(true).startJob(free());
      const tokenRequest = only(wire.to('/api/services/auth/token', 'POST'), 'token');
      const tokenBody = bodyOf(tokenRequest);
      assert.deepEqual(shapeOf(tokenBody), shapeOf(recordedBody('e-auth-token', /^create auth token with validUntil/)));
      assert.equal(tokenBody.address, consumer.address);
      assert.equal(typeof tokenBody.validUntil, 'number', 'validUntil as a number of ms');
      assert.ok(Math.abs(Number(tokenBody.validUntil) - (Date.now() + 3_600_000)) < 60_000, 'an hour from now, in ms');
      assert.equal(signer(`${consumer.address}${String(tokenBody.nonce)}createAuthToken`, tokenBody.signature), consumer.address);
      const start = only(wire.to('/api/services/freeCompute', 'POST'), 'start');
      const token = sandbox.context.tokens;
      assert.ok(typeof start.headers.authorization === 'string' && !/^Bearer /i.test(start.headers.authorization), 'the raw token');
      assert.ok(token.verify(start.headers.authorization), 'the token the node gave');
      const body = bodyOf(start);
      assert.ok(!('nonce' in body) && !('signature' in body), 'a token replaces nonce and signature');
      assert.deepEqual(Object.keys(body).sort(), ['algorithm', 'consumerAddress', 'datasets', 'environment', 'maxJobDuration', 'resources']);
      const recorded = exchange('e-auth-token', /^free start with Authorization: <token>/).request;
      assert.ok(!('nonce' in (recorded.body as object)) && !/^Bearer /.test(recorded.headers.authorization ?? ''), 'as the recorded start the node took');
    });

    it('status: GET with consumerAddress and jobId only; a list with consumerAddress only', async function () {
      const c = client(true);
      const job = await c.startJob(free());
      wire.requests.length = 0;
      await c.getJob(job.jobId);
      await c.listJobs();
      const [one, all] = wire.to('/api/services/compute', 'GET');
      assert.deepEqual(one!.query, { consumerAddress: consumer.address, jobId: job.jobId });
      assert.deepEqual(all!.query, { consumerAddress: consumer.address });
      for (const r of [one!, all!]) {
        assert.equal(r.body, undefined);
        assert.equal(r.headers.authorization, undefined, 'status needs no token');
      }
    });

    it('stop and result without a token: query only, nonce and signature as the node checks them', async function () {
      const c = client(false);
      const job = await c.startJob({ ...free(), algorithm: { meta: { rawcode: 'setTimeout(() => {}, 20000)', container: NODE_CONTAINER } } });
      await c.stopJob(job.jobId);
      const stop = only(wire.to('/api/services/compute', 'PUT'), 'stop');
      assert.deepEqual(Object.keys(stop.query).sort(), ['consumerAddress', 'jobId', 'nonce', 'signature']);
      assert.equal(stop.query.consumerAddress, consumer.address);
      assert.equal(stop.query.jobId, job.jobId, 'the prefixed id start returned');
      assert.match(stop.query.nonce!, DIGITS);
      assert.equal(signer(`${consumer.address}${stop.query.nonce}stopCompute`, stop.query.signature), consumer.address);
      assert.equal(stop.body, undefined, 'the node reads the query only');
      await waitForJob(c, job.jobId);
      const { stream } = await c.openResult(job.jobId, 1);
      stream.destroy();
      const result = only(wire.to('/api/services/computeResult', 'GET'), 'result');
      assert.deepEqual(Object.keys(result.query).sort(), ['consumerAddress', 'index', 'jobId', 'nonce', 'signature']);
      assert.equal(result.query.index, '1');
      assert.equal(result.query.jobId, job.jobId);
      assert.equal(signer(`${consumer.address}${result.query.nonce}getComputeResult`, result.query.signature), consumer.address);
      assert.ok(BigInt(result.query.nonce!) > BigInt(stop.query.nonce!), 'nonces only go up');
      const recorded = new URL(exchange('c-failures-stop-early-results', /^c1 stop requested/).request.path, 'http://x').searchParams;
      assert.deepEqual(Object.keys(stop.query).sort(), [...recorded.keys()].sort(), 'the recorded stop had the same parameters');
    });

    it('stop and result with a token: the token in Authorization, no nonce or signature', async function () {
      const c = client(true);
      const job = await c.startJob({ ...free(), algorithm: { meta: { rawcode: 'setTimeout(() => {}, 20000)', container: NODE_CONTAINER } } });
      await c.stopJob(job.jobId);
      await waitForJob(c, job.jobId);
      const { stream } = await c.openResult(job.jobId, 0);
      stream.destroy();
      const stop = only(wire.to('/api/services/compute', 'PUT'), 'stop');
      const result = only(wire.to('/api/services/computeResult', 'GET'), 'result');
      assert.deepEqual(stop.query, { consumerAddress: consumer.address, jobId: job.jobId });
      assert.deepEqual(result.query, { consumerAddress: consumer.address, jobId: job.jobId, index: '0' });
      const tokenUsed = only(wire.to('/api/services/freeCompute'), 'start').headers.authorization;
      assert.equal(stop.headers.authorization, tokenUsed);
      assert.equal(result.headers.authorization, tokenUsed);
    });
  });

  describe('Ocean Node paid job (local chain)', function () {
    it('initializeCompute and the paid start: the recorded bodies, numbers as numbers', async function () {
      this.timeout(60_000);
      const chain = await sharedChain();
      const setup = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0 });
      const wire = await startWireLog(setup.sandbox.url);
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const c = new OceanClient({ providerUrl: wire.url, chainId: chain.chainId, rpcUrl: chain.rpcUrl, privateKey: wallet.privateKey, useAuthToken: false, payment: { escrow: { escrowAddress: chain.contracts.escrow } } });
      try {
        const [standard] = await c.environments();
        const request: StartJobRequest = {
          environment: standard!.id,
          free: false,
          maxJobDuration: 60,
          datasets: [],
          algorithm: { meta: { rawcode: 'console.log(1)', container: CONTAINER } },
          resources: [
            { id: 'cpu', amount: 1 },
            { id: 'ram', amount: 1 },
            { id: 'disk', amount: 0 },
          ],
        };
        const job = await c.startJob(request);
        const initialize = bodyOf(only(wire.to('/api/services/initializeCompute', 'POST'), 'initialize'));
        assert.deepEqual(shapeOf(initialize), shapeOf(recordedBody('d-paid-compute-escrow', /^quote for a paid job/)));
        assert.deepEqual(initialize.payment, { chainId: chain.chainId, token: chain.contracts.oceanToken, resources: request.resources });
        assert.equal(initialize.maxJobDuration, 60);
        assert.equal(initialize.consumerAddress, wallet.address);
        const start = bodyOf(only(wire.to('/api/services/compute', 'POST'), 'start'));
        const recorded = { ...recordedBody('d-paid-compute-escrow', /^paid start \(command startCompute\)/) };
        // ocean.js also copies the resources into payment; the node reads them from the top level.
        recorded.payment = { ...(recorded.payment as object), resources: undefined };
        assert.deepEqual(shapeOf(JSON.parse(JSON.stringify(start))), shapeOf(JSON.parse(JSON.stringify(recorded))));
        assert.deepEqual(start.payment, { chainId: chain.chainId, token: chain.contracts.oceanToken });
        assert.equal(typeof start.nonce, 'string');
        assert.equal(signer(`${wallet.address}${String(start.nonce)}startCompute`, start.signature), wallet.address);
        await waitForJob(c, job.jobId, 200);
      } finally {
        c.close();
        await wire.close();
        await setup.sandbox.close();
      }
    });
  });

  describe('Provider v2', function () {
    let sandbox: Sandbox;
    let wire: WireLog;
    let assets: SampleAssets;
    let environment: string;
    let c: OceanClient;
    const start = (): StartJobRequest => ({
      environment,
      datasets: [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() }],
      algorithm: { did: assets.statistics, serviceId: 'algorithm-compute', transferTxId: tx() },
    });

    before(async function () {
      sandbox = await startSandbox({ dialect: 'provider-v2' });
      assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
    });

    after(async function () {
      await sandbox.close();
    });

    beforeEach(async function () {
      wire = await startWireLog(sandbox.url);
      c = new OceanClient({ providerUrl: wire.url, chainId: 8996, privateKey: consumer.privateKey });
      environment = (await c.pickEnvironment({ free: true })).id;
    });

    afterEach(async function () {
      c.close();
      await wire.close();
    });

    it('start: the JSON body carries the nonce as a number, signed over address + dataset DID + nonce', async function () {
      const request = start();
      await c.startJob(request);
      const sent = only(wire.to('/api/services/compute', 'POST'), 'start');
      const body = bodyOf(sent);
      assert.deepEqual(Object.keys(body).sort(), ['additionalDatasets', 'algorithm', 'consumerAddress', 'dataset', 'environment', 'nonce', 'signature']);
      assert.equal(typeof body.nonce, 'number', 'a JSON number, as ocean.py sends it');
      assert.ok(Number.isSafeInteger(body.nonce));
      assert.equal(signer(`${consumer.address}${assets.dataset}${String(body.nonce)}`, body.signature), consumer.address);
      const [dataset] = request.datasets as Array<{ did: string; transferTxId: string }>;
      assert.deepEqual(body.dataset, { documentId: assets.dataset, serviceId: 'dataset-compute', transferTxId: dataset!.transferTxId });
      assert.deepEqual(body.additionalDatasets, []);
      assert.equal(body.environment, environment);
      assert.equal(body.consumerAddress, consumer.address);
      assert.equal(sent.headers.authorization, undefined);
      assert.equal(sent.headers.authtoken, undefined);
      assert.deepEqual(wire.to('/api/services/nonce'), [], 'a local nonce: one request per signed call');
    });

    it('stop, status and result: query strings with the DID where the Provider signs or reads it', async function () {
      const job = await c.startJob({ ...start(), algorithm: { did: assets.longRunning, serviceId: 'algorithm-compute', transferTxId: tx() } });
      await c.getJob(job.jobId, { did: assets.dataset });
      await c.stopJob(job.jobId, { did: assets.dataset });
      await waitForJob(c, job.jobId);
      const { stream } = await c.openResult(job.jobId, 0);
      stream.destroy();
      const status = wire.to('/api/services/compute', 'GET')[0]!;
      assert.deepEqual(status.query, { consumerAddress: consumer.address, jobId: job.jobId, documentId: assets.dataset });
      const stop = only(wire.to('/api/services/compute', 'PUT'), 'stop');
      assert.deepEqual(Object.keys(stop.query).sort(), ['consumerAddress', 'documentId', 'jobId', 'nonce', 'signature']);
      assert.equal(stop.query.jobId, job.jobId, 'always the job: without it every job of the wallet stops');
      assert.equal(signer(`${consumer.address}${job.jobId}${assets.dataset}${stop.query.nonce}`, stop.query.signature), consumer.address);
      assert.equal(stop.body, undefined);
      const result = only(wire.to('/api/services/computeResult', 'GET'), 'result');
      assert.deepEqual(Object.keys(result.query).sort(), ['consumerAddress', 'index', 'jobId', 'nonce', 'signature']);
      assert.equal(result.query.index, '0');
      assert.equal(signer(`${consumer.address}${job.jobId}0${result.query.nonce}`, result.query.signature), consumer.address);
      for (const r of wire.requests) assert.equal(r.headers.authorization, undefined, `${r.method} ${r.path}: no token`);
    });
  });

  describe('Provider v2 paid job (local chain)', function () {
    it('initializeCompute: compute.env and an integer compute.validUntil in seconds', async function () {
      this.timeout(60_000);
      const chain = await sharedChain();
      const setup = await startChainSandbox('provider-v2', chain, { rateLimitPerMinute: 0 });
      const wire = await startWireLog(setup.sandbox.url);
      const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [chain.assets.dataset.datatokenAddress]: 1, [chain.assets.statistics.datatokenAddress]: 1 } });
      const c = new OceanClient({ providerUrl: wire.url, chainId: chain.chainId, rpcUrl: chain.rpcUrl, privateKey: wallet.privateKey });
      try {
        const environment = (await c.pickEnvironment({ free: true })).id;
        const before = Math.floor(Date.now() / 1000);
        await c.quoteJob({ environment, datasets: [{ did: setup.assets.dataset }], algorithm: { did: setup.assets.statistics }, maxJobDuration: 90 });
        const body = bodyOf(only(wire.to('/api/services/initializeCompute', 'POST'), 'initialize'));
        assert.deepEqual(Object.keys(body).sort(), ['algorithm', 'compute', 'consumerAddress', 'datasets']);
        const compute = body.compute as { env: unknown; validUntil: unknown };
        assert.equal(compute.env, environment);
        assert.equal(typeof compute.validUntil, 'number');
        assert.ok(Number.isInteger(compute.validUntil), 'whole seconds');
        const validUntil = Number(compute.validUntil);
        assert.ok(validUntil >= before + 90 && validUntil <= Math.ceil(Date.now() / 1000) + 90, `now + 90 s, got ${validUntil - before}`);
        assert.deepEqual(body.datasets, [{ documentId: setup.assets.dataset, serviceId: 'dataset-compute' }]);
        assert.deepEqual(body.algorithm, { documentId: setup.assets.statistics, serviceId: 'algorithm-compute' });
        assert.equal(body.consumerAddress, wallet.address);
      } finally {
        c.close();
        await wire.close();
        await setup.sandbox.close();
      }
    });
  });
});
