import assert from 'node:assert/strict';
import { NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient, type ComputeJob } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { failure } from '../helpers/failure';

/** What the client answers, word for word, where the backend's own answer does not say it. */
const consumer = testAccount(4);
const SHORT = { meta: { container: NODE_CONTAINER, rawcode: 'setTimeout(() => {}, 800)' } };

describe('the client\'s own answers (Ocean Node sandbox)', function () {
  let sandbox: Sandbox;
  let client: OceanClient;
  let readOnly: OceanClient;
  let environment: string;
  let unknown: string;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    readOnly = new OceanClient({ providerUrl: sandbox.url, chainId: 8996 });
    environment = (await client.pickEnvironment({ free: true })).id;
    unknown = `${environment.split('-')[0]}-${'ab'.repeat(32)}`;
  });

  after(async function () {
    client.close();
    readOnly.close();
    await sandbox.close();
  });

  const lastQuery = (): URLSearchParams => new URLSearchParams(sandbox.requests.at(-1)!.query);

  it('a job the node does not know: NOT_FOUND naming the job, the node and the wallet', async function () {
    const mine = await failure(client.getJob(unknown));
    assert.equal(mine.code, 'NOT_FOUND');
    assert.equal(mine.jobId, unknown);
    assert.equal(mine.message, `Job ${unknown} is not known to ${sandbox.url} for wallet ${consumer.address}`);
    assert.equal(lastQuery().get('consumerAddress'), consumer.address);

    const anyone = await failure(readOnly.getJob(unknown));
    assert.equal(anyone.message, `Job ${unknown} is not known to ${sandbox.url} for wallet (none)`);
    assert.equal(lastQuery().has('consumerAddress'), false, 'no wallet, no consumerAddress in the query');

    const stopped = await failure(client.stopJob(unknown));
    assert.equal(stopped.code, 'NOT_FOUND');
    assert.equal(stopped.jobId, unknown);
    assert.equal(stopped.message, `Job ${unknown} is not known to ${sandbox.url}; nothing was stopped`);
  });

  it('without a wallet key, the status of a job by its id alone; the list of the wallet\'s jobs refused', async function () {
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: SHORT });
    const seen: ComputeJob = await readOnly.getJob(job.jobId);
    assert.equal(seen.jobId, job.jobId);
    assert.deepEqual([...lastQuery().keys()], ['jobId']);
    const list = await failure(readOnly.listJobs());
    assert.equal(list.code, 'INVALID_CONFIG');
    assert.equal(list.message, 'privateKey: a wallet key is needed to list the wallet\'s jobs; set one in the connection');
    assert.deepEqual(list.details, { field: 'privateKey' });
  });

  it('a result that is not there yet, and an index that is no index', async function () {
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: SHORT });
    const early = await failure(client.openResult(job.jobId, 3));
    assert.equal(early.code, 'RESULT_NOT_READY');
    assert.equal(early.message, `Result 3 of job ${job.jobId} is not available (yet): the job may still be running, or has no such result`);
    const requests = sandbox.requests.length;
    for (const index of [-1, 1.5, Number.NaN]) {
      const error = await failure(client.openResult(job.jobId, index));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.equal(error.message, `index: expected a result index of 0 or more, got ${index}`);
    }
    assert.equal(sandbox.requests.length, requests, 'nothing sent');
  });

  it('job ids: what both backends use is taken; anything else refused before it is sent', async function () {
    const requests = sandbox.requests.length;
    for (const jobId of ['a b', '', 'x'.repeat(257), 'job/../1', 'jöb']) {
      const error = await failure(client.getJob(jobId));
      assert.equal(error.code, 'INVALID_INPUT', jobId);
      assert.match(error.message, /^jobId: expected the id compute-start returned \(letters, digits, "-", "_", "\.", ":"; at most 256\), got /);
      assert.deepEqual(error.details, { field: 'jobId' });
      for (const call of [client.stopJob(jobId), client.openResult(jobId, 0), client.openLiveLog(jobId)]) assert.equal((await failure(call)).code, 'INVALID_INPUT');
    }
    assert.equal(sandbox.requests.length, requests, 'nothing sent');
    for (const jobId of ['x'.repeat(256), 'a_b.c:d-1']) assert.equal((await failure(client.getJob(jobId))).code, 'NOT_FOUND', jobId);
  });

  it('a node of another chain is refused, naming the chain it serves', async function () {
    const wrong = new OceanClient({ providerUrl: sandbox.url, chainId: 1 });
    try {
      const error = await failure(wrong.pickEnvironment({ free: true }));
      assert.equal(error.code, 'UNSUPPORTED_CHAIN');
      assert.equal(error.message, `chainId: ${sandbox.url} serves chain 8996, not 1`);
      assert.deepEqual(error.details, { field: 'chainId', served: [8996] });
    } finally {
      wrong.close();
    }
  });

  it('says it streams a running job\'s log', async function () {
    assert.equal(await client.hasLiveLogs(), true);
  });
});

describe('the client\'s own answers (Provider v2 sandbox)', function () {
  let sandbox: Sandbox;
  let client: OceanClient;
  let readOnly: OceanClient;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'provider-v2', rateLimitPerMinute: 0 });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    readOnly = new OceanClient({ providerUrl: sandbox.url, chainId: 8996 });
  });

  after(async function () {
    client.close();
    readOnly.close();
    await sandbox.close();
  });

  it('has no live logs, and says where the lines are instead', async function () {
    assert.equal(await client.hasLiveLogs(), false);
    const error = await failure(client.openLiveLog('job-1'));
    assert.equal(error.code, 'UNSUPPORTED_BACKEND');
    assert.equal(error.message, 'A Provider v2 has no live logs; read the algorithm log when job job-1 has ended');
    assert.equal(error.jobId, 'job-1');
  });

  it('reads no job status without a wallet key: the Provider asks for the owner', async function () {
    const requests = sandbox.requests.filter((r) => r.path.includes('compute')).length;
    const error = await failure(readOnly.getJob('job-1'));
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.equal(error.message, 'privateKey: a wallet key is needed to read a job status; set one in the connection');
    assert.equal(sandbox.requests.filter((r) => r.path.includes('compute')).length, requests, 'nothing sent');
  });
});
