import assert from 'node:assert/strict';
import { id, toUtf8String, type Wallet } from 'ethers';
import {
  DEFAULT_ENVIRONMENTS,
  DEFAULT_ESCROW_ADDRESS,
  NODE_CONTAINER,
  addSampleAssets,
  oceanNodeEnvironmentId,
  startChainSandbox,
  startSandbox,
  type EnvironmentSpec,
  type Sandbox,
  type SampleAssets,
} from '../../sandbox';
import {
  ONE_DATATOKEN,
  anvilAccount,
  connectWallet,
  escrowAuthorize,
  escrowDeposit,
  escrowFunds,
  mintDatatokens,
  startOrder,
  type BootstrappedChain,
  type EscrowFunds,
  type ProviderFee,
} from '../../sandbox/chain';
import { sharedChain } from '../helpers/chain';
import { call, nextNonce, pollUntil, signRequest, type Answer } from '../helpers/payments';
import { isStatusPoll, replayRecording } from '../helpers/replay';

const OCEAN = 10n ** 18n;
/** The recorded node's one environment (1 OCEAN per CPU-minute, at least 10 s). */
const RECORDED_LIKE = DEFAULT_ENVIRONMENTS[0]!;
const environment = oceanNodeEnvironmentId(RECORDED_LIKE);
const RAW_ALGORITHM = { meta: { rawcode: 'console.log("paid")', container: NODE_CONTAINER } };

interface Job {
  jobId: string;
  jobIdHash: string;
  status: number;
  statusText: string;
  payment: { chainId: number; token: string; lockTx: string; claimTx: string | null; cancelTx: string | null; cost: number } | null;
}
interface Item {
  validOrder: false | string;
  did?: string;
  serviceId?: string;
  datatoken?: string;
  chainId?: number;
  consumerAddress?: string;
  providerFee?: ProviderFee;
}
interface Quote {
  algorithm: Item;
  datasets: Item[];
  payment: Record<string, unknown>;
}

describe('Ocean Node sandbox on a chain: initializeCompute, order checks, escrow lock and claim', function () {
  this.timeout(20_000);
  let chain: BootstrappedChain;
  let sandbox: Sandbox;
  let assets: SampleAssets;
  let consumer: Wallet; // anvil #5, the recorded paying consumer: deposits in escrow and authorizes the node
  let stranger: Wallet; // anvil #6: orders for itself
  let token: string;

  before(async function () {
    chain = await sharedChain();
    token = chain.contracts.oceanToken;
    consumer = connectWallet(chain.rpcUrl, anvilAccount(5).privateKey, chain.chainId);
    stranger = connectWallet(chain.rpcUrl, anvilAccount(6).privateKey, chain.chainId);
    // As recorded: 100 OCEAN deposited; the node may lock up to 100 OCEAN, 86400 s, 10 locks.
    await escrowDeposit(consumer, chain.contracts.escrow, token, 100n * OCEAN);
    await escrowAuthorize(consumer, chain.contracts.escrow, { token, payee: chain.accounts.provider.address, maxLockedAmount: 100n * OCEAN, maxLockSeconds: 86_400n, maxLockCounts: 10n });
    const publisher = connectWallet(chain.rpcUrl, chain.accounts.publisher.privateKey, chain.chainId);
    try {
      await mintDatatokens(publisher, chain.assets.dataset.datatokenAddress, [
        { address: consumer.address, amount: 3n * ONE_DATATOKEN },
        { address: stranger.address, amount: ONE_DATATOKEN },
      ]);
    } finally {
      publisher.provider?.destroy();
    }
  });

  beforeEach(async function () {
    const environments: EnvironmentSpec[] = [{ ...RECORDED_LIKE, feeToken: token }];
    ({ sandbox, assets } = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0, environments }));
  });

  afterEach(async function () {
    await sandbox?.close();
  });

  after(function () {
    for (const wallet of [consumer, stranger]) wallet?.provider?.destroy();
  });

  const funds = (payer: string): Promise<EscrowFunds> => escrowFunds(chain.rpcUrl, chain.contracts.escrow, payer, token, chain.accounts.provider.address);
  const dataset = (transferTxId?: string): Record<string, unknown> => ({ documentId: assets.dataset, serviceId: 'dataset-compute', ...(transferTxId ? { transferTxId } : {}) });

  function initialize(body: Record<string, unknown>, target: Sandbox = sandbox): Promise<Answer> {
    return call(target.url, 'POST', '/api/services/initializeCompute', {
      environment,
      payment: { chainId: chain.chainId, token, resources: [{ id: 'cpu', amount: 1 }] },
      maxJobDuration: 60,
      consumerAddress: consumer.address,
      ...body,
    });
  }

  async function paidStart(wallet: Wallet, body: Record<string, unknown>, target: Sandbox = sandbox): Promise<Answer> {
    const nonce = String(nextNonce());
    const signature = await signRequest(wallet, `${wallet.address}${nonce}startCompute`);
    return call(target.url, 'POST', '/api/services/compute', {
      consumerAddress: wallet.address,
      nonce,
      signature,
      environment,
      datasets: [],
      algorithm: RAW_ALGORITHM,
      maxJobDuration: 60,
      payment: { chainId: chain.chainId, token },
      resources: [{ id: 'cpu', amount: 1 }],
      ...body,
    });
  }

  async function jobStatus(jobId: string): Promise<Job | undefined> {
    const answer = await call(sandbox.url, 'GET', `/api/services/compute?jobId=${encodeURIComponent(jobId)}`);
    return (answer.json as Job[])[0];
  }

  it('replays the recorded paid job: quote, start with an escrow lock, results, and the no-funds, fee token and payment refusals', async function () {
    assert.equal((await funds(anvilAccount(0).address)).available, 0n, 'the recorded no-funds consumer has no deposit');
    const compared = await replayRecording('d-paid-compute-escrow', sandbox, {
      sandboxEnvironment: environment,
      // Polls show timing; the final one showed 71 before the claim, which here may already be done.
      skip: isStatusPoll,
      settleBefore: (e) => /computeResult/.test(e.request.path),
    });
    assert.ok(compared >= 14, `compared ${compared} exchanges`);
    const [job] = sandbox.context.jobs.ownedBy(consumer.address);
    assert.ok(job);
    const claimed = await pollUntil(() => jobStatus(`${environment.split('-')[0]}-${job.id}`), (j) => j?.status === 70, 'the claim');
    assert.equal(claimed?.statusText, 'Job finished');
    assert.match(String(claimed?.payment?.claimTx), /^0x[0-9a-f]{64}$/);
    assert.equal(claimed?.payment?.cost, 1);
  });

  it('locks the price in escrow while a paid job runs, then claims it and moves the job from 71 to 70', async function () {
    const before = await funds(consumer.address);
    const answer = await paidStart(consumer, { algorithm: { meta: { rawcode: 'setTimeout(() => console.log("done"), 1500)', container: NODE_CONTAINER } } });
    assert.equal(answer.status, 200, answer.text);
    const job = (answer.json as Job[])[0]!;
    assert.match(String(job.payment?.lockTx), /^0x[0-9a-f]{64}$/);
    assert.deepEqual({ ...job.payment, lockTx: '' }, { chainId: chain.chainId, token, lockTx: '', claimTx: null, cancelTx: null, cost: 0 });

    const during = await funds(consumer.address);
    assert.equal(during.locked, before.locked + OCEAN);
    const lock = during.locks.find((l) => l.jobId === BigInt(job.jobIdHash));
    assert.ok(lock, 'a lock under the job id hash');
    assert.equal(lock.amount, OCEAN);
    assert.ok(lock.expiry >= BigInt(Math.floor(Date.now() / 1000)) + 3600n, 'locked for the job, its queue and the claim timeout');
    const running = await jobStatus(job.jobId);
    assert.ok(running && running.status < 70, `status ${running?.status}`);

    const done = await pollUntil(() => jobStatus(job.jobId), (j) => j?.status === 70, 'the claim');
    assert.match(String(done?.payment?.claimTx), /^0x[0-9a-f]{64}$/);
    assert.equal(done?.payment?.cost, 1);
    const after = await funds(consumer.address);
    assert.equal(after.locked, before.locked);
    assert.equal(after.available, before.available - OCEAN);
    assert.ok(!after.locks.some((l) => l.jobId === BigInt(job.jobIdHash)));
  });

  it('locks and claims for paid jobs started at the same time, one node transaction after the other', async function () {
    const answers = await Promise.all([1, 2, 3].map(() => paidStart(consumer, {})));
    for (const answer of answers) assert.equal(answer.status, 200, answer.text);
    const jobs = answers.map((answer) => (answer.json as Job[])[0]!);
    assert.equal(new Set(jobs.map((job) => job.payment?.lockTx)).size, 3);
    for (const job of jobs) {
      const done = await pollUntil(() => jobStatus(job.jobId), (j) => j?.status === 70, `the claim of ${job.jobId}`);
      assert.match(String(done?.payment?.claimTx), /^0x/);
    }
  });

  it('quotes a published dataset with a provider fee, then answers its order as validOrder, and starts with it', async function () {
    const quote = (await initialize({ datasets: [dataset()], algorithm: RAW_ALGORITHM })).json as Quote;
    assert.deepEqual(Object.keys(quote), ['algorithm', 'datasets', 'payment']);
    assert.deepEqual(quote.algorithm, { validOrder: false });
    assert.deepEqual(quote.payment, {
      escrowAddress: chain.contracts.escrow,
      payee: chain.accounts.provider.address,
      chainId: chain.chainId,
      minLockSeconds: 3660,
      token,
      amount: '1000000000000000000',
    });
    const item = quote.datasets[0]!;
    const fee = item.providerFee!;
    assert.deepEqual(
      { ...item, providerFee: undefined },
      { validOrder: false, did: assets.dataset, serviceId: 'dataset-compute', datatoken: chain.assets.dataset.datatokenAddress, chainId: chain.chainId, consumerAddress: chain.accounts.provider.address, providerFee: undefined },
    );
    assert.deepEqual([fee.providerFeeAddress, fee.providerFeeAmount, fee.validUntil], [chain.accounts.provider.address, '0', 0], 'validUntil is the service timeout');
    assert.deepEqual(JSON.parse(toUtf8String(fee.providerData)), { dt: chain.assets.dataset.datatokenAddress, id: 'dataset-compute' });

    const tx = await startOrder(consumer, { datatoken: chain.assets.dataset.datatokenAddress, consumer: chain.accounts.provider.address, serviceIndex: 0, providerFee: fee });
    const again = (await initialize({ datasets: [dataset(tx)], algorithm: RAW_ALGORITHM })).json as Quote;
    assert.equal(again.datasets[0]?.validOrder, tx);
    assert.equal(again.datasets[0]?.providerFee, undefined, 'the order fee still holds');

    const started = await paidStart(consumer, { datasets: [dataset(tx)] });
    assert.equal(started.status, 200, started.text);
    assert.match(String((started.json as Job[])[0]?.payment?.lockTx), /^0x/);
  });

  it('refuses a paid start whose dataset order is forged, made out to someone else, or missing, and locks nothing', async function () {
    const fee = ((await initialize({ datasets: [dataset()], algorithm: RAW_ALGORITHM })).json as Quote).datasets[0]!.providerFee!;
    const strangers = await startOrder(stranger, { datatoken: chain.assets.dataset.datatokenAddress, consumer: stranger.address, serviceIndex: 0, providerFee: fee });
    const before = await funds(consumer.address);
    for (const tx of [id('forged order'), strangers]) {
      const answer = await paidStart(consumer, { datasets: [dataset(tx)] });
      assert.equal(answer.status, 500, answer.text);
      assert.equal(answer.json, `TxId Service ${tx} is not valid for DDO ${assets.dataset} and service dataset-compute`);
    }
    const missing = await paidStart(consumer, { datasets: [dataset()] });
    assert.equal(missing.status, 500, missing.text);
    assert.equal(missing.json, `Missing transferTxId for DDO ${assets.dataset}`);
    assert.deepEqual((await funds(consumer.address)).locks, before.locks);
  });

  it('never checks orders for free jobs', async function () {
    const nonce = String(nextNonce());
    const signature = await signRequest(consumer, `${consumer.address}${nonce}freeStartCompute`);
    const answer = await call(sandbox.url, 'POST', '/api/services/freeCompute', {
      consumerAddress: consumer.address,
      nonce,
      signature,
      environment,
      datasets: [dataset()],
      algorithm: RAW_ALGORITHM,
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal((answer.json as Job[])[0]?.payment, null);
  });

  it('without a chain quotes the well-known escrow; with a chain that does not answer, answers 500 and goes on', async function () {
    const chainless = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    const offline = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, chain: { rpcUrl: 'http://127.0.0.1:9', escrowAddress: chain.contracts.escrow } });
    try {
      const quote = (await initialize({ datasets: [], algorithm: RAW_ALGORITHM }, chainless)).json as Quote;
      assert.equal(quote.payment.escrowAddress, DEFAULT_ESCROW_ADDRESS);
      assert.equal(DEFAULT_ESCROW_ADDRESS, chain.contracts.escrow, 'a fresh bootstrap deploys Escrow there');

      const offlineAssets = addSampleAssets(offline.context.ddos, { chainId: chain.chainId, serviceEndpoint: offline.url });
      const start = await paidStart(consumer, {}, offline);
      assert.equal(start.status, 500, start.text);
      assert.match(String(start.json), /^creating the escrow lock: .*ECONNREFUSED/);
      const init = await initialize({ datasets: [{ documentId: offlineAssets.dataset, serviceId: 'dataset-compute', transferTxId: id('any') }], algorithm: RAW_ALGORITHM }, offline);
      assert.equal(init.status, 500);
      assert.match(init.text, /^reading order .*ECONNREFUSED/);
      assert.equal((await call(offline.url, 'GET', '/')).status, 200);
    } finally {
      await chainless.close();
      await offline.close();
    }
  });
});
