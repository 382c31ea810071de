import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { addSampleAssets, datasetAsset, DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startSandbox, type SampleAssets, type Sandbox } from '../../sandbox';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { failure } from '../helpers/failure';
import { waitForJob } from '../helpers/jobs';

const consumer = testAccount(4);
const other = testAccount(7);
const tx = (): string => `0x${randomBytes(32).toString('hex')}`;
const RAW = { meta: { container: NODE_CONTAINER, rawcode: 'console.log(1)' } };


describe('C2D client errors against the Ocean Node sandbox', function () {
  let sandbox: Sandbox;
  let client: OceanClient;
  let assets: SampleAssets;
  let environment: string;
  const free = (extra: Partial<StartJobRequest> = {}): StartJobRequest => ({ environment, free: true, datasets: [], algorithm: RAW, ...extra });

  before(async function () {
    // Room for the jobs the tests leave running.
    const roomy = { ...DEFAULT_ENVIRONMENTS[0]!, cpu: 16, ram: 16, disk: 16 };
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [roomy] });
    assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    environment = (await client.pickEnvironment({ free: true })).id;
  });

  after(async function () {
    client.close();
    await sandbox.close();
  });

  it('an unknown environment: the node\'s 500 "Invalid C2D Environment" becomes REQUEST_REJECTED', async function () {
    const error = await failure(client.startJob(free({ environment: `${environment.split('-')[0]}-0xdead` })));
    assert.equal(error.code, 'REQUEST_REJECTED');
    assert.equal(error.httpStatus, 500);
    assert.match(error.message, /freeCompute answered HTTP 500: Invalid C2D Environment$/);
  });

  it('more CPU than the free tier allows', async function () {
    const error = await failure(client.startJob(free({ resources: [{ id: 'cpu', amount: 2 }] })));
    assert.equal(error.code, 'REQUEST_REJECTED');
    assert.match(error.message, /HTTP 400: Error: Not enough cpu resources\. Requested 2, but max is 1$/);
  });

  it('a DID the metadata service does not know', async function () {
    const error = await failure(client.startJob(free({ datasets: [{ did: `did:op:${'0'.repeat(64)}`, serviceId: 'x' }] })));
    assert.equal(error.code, 'DDO_NOT_FOUND');
    assert.match(error.message, /^DDO did:op:0{64} not found at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('a service id the asset does not have', async function () {
    const error = await failure(client.startJob(free({ datasets: [{ did: assets.dataset, serviceId: 'download' }] })));
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, /^datasets\[0\]\.serviceId: did:op:\w+ has no service "download"; its services are "dataset-compute" \(compute\)$/);
  });

  it('consumability: each ocean.py rule, before anything is sent', async function () {
    const cases: Array<[Record<string, unknown>, string, number]> = [
      [{ nftState: 4 }, 'ASSET_DISABLED', 1],
      [{ credentials: { allow: [{ type: 'address', values: [other.address] }] } }, 'CREDENTIAL_NOT_IN_ALLOW_LIST', 3],
      [{ credentials: { deny: [{ type: 'address', values: [consumer.address.toLowerCase()] }] } }, 'CREDENTIAL_IN_DENY_LIST', 4],
      [{ files: [{ url: 'http://127.0.0.1:1/gone.csv' }] }, 'CONNECTIVITY_FAIL', 2],
    ];
    for (const [spec, rule, code] of cases) {
      const asset = datasetAsset({ name: rule, chainId: 8996, serviceEndpoint: sandbox.url, files: [{ content: 'a,b,1' }], ...spec });
      sandbox.context.ddos.add(asset);
      const starts = sandbox.requests.filter((r) => r.path === '/api/services/freeCompute').length;
      const error = await failure(client.startJob(free({ datasets: [{ did: String(asset.ddo.id), serviceId: 'dataset-compute' }] })));
      assert.equal(error.code, 'NOT_CONSUMABLE', rule);
      assert.equal(error.details?.rule, rule);
      assert.equal(error.details?.consumableCode, code);
      assert.match(error.message, new RegExp(`^datasets\\[0\\]: did:op:\\w+ cannot be used: .*\\(ocean\\.py code ${code} ${rule}\\)$`));
      assert.equal(sandbox.requests.filter((r) => r.path === '/api/services/freeCompute').length, starts, 'no start was sent');
    }
  });

  it('status, stop and results of a job the node does not know', async function () {
    const unknown = `${environment.split('-')[0]}-${'ab'.repeat(32)}`;
    assert.equal((await failure(client.getJob(unknown))).code, 'NOT_FOUND');
    const stop = await failure(client.stopJob(unknown));
    assert.equal(stop.code, 'NOT_FOUND');
    assert.equal(stop.jobId, unknown);
    const result = await failure(client.openResult(unknown, 0));
    assert.equal(result.code, 'NOT_FOUND');
    assert.match(result.message, /HTTP 500: Cannot find job with id a{1}b/);
  });

  it('a result that is not there yet, and one of another wallet', async function () {
    const job = await client.startJob(free({ algorithm: { meta: { container: NODE_CONTAINER, rawcode: 'setTimeout(() => {}, 800)' } } }));
    const early = await failure(client.openResult(job.jobId, 3));
    assert.equal(early.code, 'RESULT_NOT_READY');
    assert.equal(early.jobId, job.jobId);
    await waitForJob(client, job.jobId);
    const stranger = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: other.privateKey });
    const denied = await failure(stranger.openResult(job.jobId, 0));
    assert.equal(denied.code, 'ACCESS_DENIED');
    assert.match(denied.message, new RegExp(`HTTP 500: ${other.address} is not authorized to get results for job with id `));
    stranger.close();
  });

  it('an expired or revoked auth token is replaced once, transparently', async function () {
    await client.startJob(free());
    const tokens = sandbox.requests.filter((r) => r.path === '/api/services/auth/token').length;
    const revoke = sandbox.context.tokens.verify.bind(sandbox.context.tokens);
    let refused = 0;
    sandbox.context.tokens.verify = (token: string) => {
      if (refused === 0) {
        refused += 1;
        return undefined;
      }
      return revoke(token);
    };
    await client.startJob(free());
    sandbox.context.tokens.verify = revoke;
    assert.equal(sandbox.requests.filter((r) => r.path === '/api/services/auth/token').length, tokens + 1, 'one new token');
  });

  it('a nonce another client used up is re-learned and the call retried once', async function () {
    const noToken = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: other.privateKey, useAuthToken: false });
    sandbox.context.nonces.use(other.address, BigInt(Date.now() + 3_600_000));
    const job = await noToken.startJob(free());
    assert.ok(job.jobId);
    const tail = sandbox.requests.slice(-4).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.deepEqual(tail.slice(-3), ['POST /api/services/freeCompute 401', 'GET /api/services/nonce 200', 'POST /api/services/freeCompute 200']);
    noToken.close();
  });

  it('rate limited: RATE_LIMITED with the wait the node names', async function () {
    const limited = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 3 });
    const c = new OceanClient({ providerUrl: limited.url, chainId: 8996 });
    await c.environments();
    await c.environments();
    const error = await failure(c.environments());
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryable, true);
    assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 55_000 && error.retryAfterMs <= 60_000);
    c.close();
    await limited.close();
  });

  it('a job without a wallet key', async function () {
    const readOnly = new OceanClient({ providerUrl: sandbox.url, chainId: 8996 });
    const error = await failure(readOnly.startJob(free()));
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.match(error.message, /^privateKey: a wallet key is needed to sign requests/);
    readOnly.close();
  });
});

describe('C2D client errors against the Provider v2 sandbox', function () {
  let sandbox: Sandbox;
  let client: OceanClient;
  let assets: SampleAssets;
  let environment: string;
  const start = (extra: Partial<StartJobRequest> = {}): StartJobRequest => ({
    environment,
    datasets: [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() }],
    algorithm: { did: assets.statistics, serviceId: 'algorithm-compute', transferTxId: tx() },
    ...extra,
  });

  before(async function () {
    sandbox = await startSandbox({ dialect: 'provider-v2' });
    assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    environment = (await client.pickEnvironment({ free: true })).id;
  });

  after(async function () {
    client.close();
    await sandbox.close();
  });

  it('what Provider v2 cannot take is refused before sending, naming the field', async function () {
    const unpaid = await failure(client.startJob(start({ datasets: [{ did: assets.dataset, serviceId: 'dataset-compute' }] })));
    assert.equal(unpaid.code, 'INVALID_CONFIG', 'ordering needs the chain');
    assert.match(unpaid.message, /^rpcUrl: paid jobs need the JSON-RPC URL of the chain/);
    const cases: Array<[Partial<StartJobRequest>, RegExp]> = [
      [{ datasets: [{ fileObject: { type: 'url', url: 'http://127.0.0.1/x', method: 'get' } }] }, /^datasets\[0\]: expected a published dataset/],
      [{ algorithm: { meta: { container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' }, rawcode: '1' } } }, /^algorithm\.meta\.container\.checksum: expected the image digest "sha256:…"/],
      [{ algorithm: RAW, algocustomdata: { a: 1 } }, /^algocustomdata: expected no custom data with a raw algorithm/],
    ];
    for (const [extra, message] of cases) {
      const error = await failure(client.startJob(start(extra)));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.match(error.message, message);
    }
  });

  it('the Provider\'s {"error": {resource: code}} answers, with the resource named', async function () {
    const strict = datasetAsset({ name: 'strict', chainId: 8996, serviceEndpoint: sandbox.url, files: [{ content: 'x' }], allowRawAlgorithm: false, trustedAlgorithms: [assets.longRunning] });
    sandbox.context.ddos.add(strict);
    const strictDataset = [{ did: String(strict.ddo.id), serviceId: 'dataset-compute', transferTxId: tx() }];
    const raw = await failure(client.startJob(start({ datasets: strictDataset, algorithm: RAW })));
    assert.equal(raw.code, 'REQUEST_REJECTED');
    assert.match(raw.message, /compute answered HTTP 400: dataset: no_raw_algo_allowed$/);
    const untrusted = await failure(client.startJob(start({ datasets: strictDataset })));
    assert.match(untrusted.message, /HTTP 400: dataset: not_trusted_algo$/);
    const badEnv = await failure(client.startJob(start({ environment: 'nope' })));
    assert.match(badEnv.message, /HTTP 400: Environment invalid or does not exist$/);
  });

  it('a signature the Provider refuses for its nonce is re-signed once', async function () {
    sandbox.context.nonces.use(consumer.address, BigInt(Date.now() + 3_600_000));
    const job = await client.startJob(start());
    assert.ok(job.jobId);
    const tail = sandbox.requests.slice(-3).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.deepEqual(tail, ['POST /api/services/compute 400', 'GET /api/services/nonce 200', 'POST /api/services/compute 200']);
  });

  it('results: before publishing, out of range, of another owner', async function () {
    const job = await client.startJob(start({ algorithm: { did: assets.longRunning, serviceId: 'algorithm-compute', transferTxId: tx() } }));
    const early = await failure(client.openResult(job.jobId, 0));
    assert.equal(early.code, 'RESULT_NOT_READY');
    assert.match(early.message, /HTTP 404: No results for job \w+$/);
    await client.stopJob(job.jobId, { did: assets.dataset });
    await waitForJob(client, job.jobId);
    const range = await failure(client.openResult(job.jobId, 99));
    assert.equal(range.code, 'RESULT_NOT_READY');
    assert.match(range.message, /No such index 99 in this compute job$/);
    const stranger = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: other.privateKey });
    const denied = await failure(stranger.openResult(job.jobId, 0));
    assert.equal(denied.code, 'ACCESS_DENIED');
    assert.match(denied.message, /Owner 0x\w+ mismatch for job/);
    stranger.close();
  });

  it('stop always names the job: the other running jobs of the wallet keep running', async function () {
    const long = (): StartJobRequest => start({ algorithm: { did: assets.longRunning, serviceId: 'algorithm-compute', transferTxId: tx() }, algocustomdata: { seconds: 20 } });
    const first = await client.startJob(long());
    const second = await client.startJob(long());
    await client.stopJob(first.jobId, { did: assets.dataset });
    const still = await client.getJob(second.jobId);
    assert.equal(still.stopRequested, false);
    assert.equal(still.done, false);
    await client.stopJob(second.jobId, { did: assets.dataset });
  });
});
