import assert from 'node:assert/strict';
import { Wallet, id, toUtf8String } from 'ethers';
import { NODE_CONTAINER, addSampleAssets, startChainSandbox, startSandbox, type Sandbox, type SampleAssets } from '../../sandbox';
import {
  ONE_DATATOKEN,
  anvilAccount,
  connectWallet,
  mintDatatokens,
  reuseOrder,
  signProviderFee,
  startOrder,
  type BootstrappedChain,
  type ProviderFee,
} from '../../sandbox/chain';
import { sharedChain } from '../helpers/chain';
import { call, nextNonce, signRequest, type Answer } from '../helpers/payments';

/** The sandbox's priced environment: priceMin 0.5 OCEAN per minute. */
const ENV = 'ocean-compute-gpu';
const OCEAN = 10n ** 18n;
const RAW_ALGORITHM = { meta: { rawcode: 'console.log("hi")', container: NODE_CONTAINER } };

interface Item {
  validOrder?: string;
  datatoken?: string;
  providerFee?: ProviderFee;
}
interface InitializeAnswer {
  datasets: Item[];
  algorithm?: Item;
}

describe('Provider v2 sandbox on a chain: initializeCompute, orders, and what start checks about them', function () {
  this.timeout(20_000);
  let chain: BootstrappedChain;
  let sandbox: Sandbox;
  let assets: SampleAssets;
  let payer: Wallet; // anvil #8: orders and starts the jobs
  let stranger: Wallet; // anvil #7: orders for itself

  before(async function () {
    chain = await sharedChain();
    ({ sandbox, assets } = await startChainSandbox('provider-v2', chain, { rateLimitPerMinute: 0 }));
    payer = connectWallet(chain.rpcUrl, anvilAccount(8).privateKey, chain.chainId);
    stranger = connectWallet(chain.rpcUrl, anvilAccount(7).privateKey, chain.chainId);
    const publisher = connectWallet(chain.rpcUrl, chain.accounts.publisher.privateKey, chain.chainId);
    try {
      await mintDatatokens(publisher, chain.assets.dataset.datatokenAddress, [
        { address: payer.address, amount: 10n * ONE_DATATOKEN },
        { address: stranger.address, amount: 2n * ONE_DATATOKEN },
      ]);
      await mintDatatokens(publisher, chain.assets.statistics.datatokenAddress, [{ address: payer.address, amount: 3n * ONE_DATATOKEN }]);
    } finally {
      publisher.provider?.destroy();
    }
  });

  after(async function () {
    await sandbox?.close();
    for (const runner of [payer?.provider, stranger?.provider]) runner?.destroy();
  });

  const dataset = (transferTxId?: string): Record<string, unknown> => ({ documentId: assets.dataset, serviceId: 'dataset-compute', ...(transferTxId ? { transferTxId } : {}) });
  const statistics = (transferTxId?: string): Record<string, unknown> => ({ documentId: assets.statistics, serviceId: 'algorithm-compute', ...(transferTxId ? { transferTxId } : {}) });

  async function initialize(body: Record<string, unknown>): Promise<InitializeAnswer> {
    const answer = await call(sandbox.url, 'POST', '/api/services/initializeCompute', body);
    assert.equal(answer.status, 200, answer.text);
    return answer.json as InitializeAnswer;
  }

  const validUntilIn = (seconds: number): number => Math.floor(Date.now() / 1000) + seconds;

  /** Orders the way ocean.py does: consumer = the environment's address, the wallet pays. */
  function order(wallet: Wallet, datatoken: string, providerFee: ProviderFee, serviceIndex = 0, consumer = chain.accounts.provider.address): Promise<string> {
    return startOrder(wallet, { datatoken, consumer, serviceIndex, providerFee });
  }

  async function start(wallet: Wallet, datasetInput: Record<string, unknown>, algorithm: Record<string, unknown> = RAW_ALGORITHM): Promise<Answer> {
    const nonce = nextNonce();
    const signature = await signRequest(wallet, `${wallet.address}${String(datasetInput.documentId)}${nonce}`);
    return call(sandbox.url, 'POST', '/api/services/compute', { dataset: datasetInput, algorithm, environment: ENV, consumerAddress: wallet.address, nonce, signature });
  }

  it('quotes fees, takes the orders made with them, and answers validOrder for an order that still covers the time', async function () {
    const validUntil = validUntilIn(600);
    const quote = await initialize({ datasets: [dataset()], algorithm: statistics(), compute: { env: ENV, validUntil }, consumerAddress: payer.address });
    const [item] = quote.datasets;
    assert.ok(item?.providerFee && quote.algorithm?.providerFee, JSON.stringify(quote));
    assert.equal(item.datatoken, chain.assets.dataset.datatokenAddress);
    assert.equal(item.providerFee.providerFeeAddress, chain.accounts.provider.address);
    assert.equal(item.providerFee.providerFeeToken, chain.contracts.oceanToken);
    assert.equal(item.providerFee.validUntil, validUntil);
    // 600 s at 0.5 OCEAN a minute, counted from the server's clock a moment later.
    const amount = BigInt(item.providerFee.providerFeeAmount);
    assert.ok(amount > (49n * OCEAN) / 10n && amount <= 5n * OCEAN, `fee ${amount}`);
    const data = JSON.parse(toUtf8String(item.providerFee.providerData)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(data), ['environment', 'timestamp', 'dt', 'id']);
    assert.deepEqual({ ...data, timestamp: 0 }, { environment: ENV, timestamp: 0, dt: chain.assets.dataset.datatokenAddress, id: 'dataset-compute' });
    assert.equal(quote.algorithm.providerFee.providerFeeAmount, '0', 'only dataset 0 pays the environment');

    const datasetTx = await order(payer, chain.assets.dataset.datatokenAddress, item.providerFee);
    const algorithmTx = await order(payer, chain.assets.statistics.datatokenAddress, quote.algorithm.providerFee);
    const started = await start(payer, dataset(datasetTx), statistics(algorithmTx));
    assert.equal(started.status, 200, started.text);
    assert.equal((started.json as Array<{ agreementId: string }>)[0]?.agreementId, datasetTx);

    const again = await initialize({ datasets: [dataset(datasetTx)], algorithm: statistics(algorithmTx), compute: { env: ENV, validUntil }, consumerAddress: payer.address });
    assert.deepEqual(again, { datasets: [{ validOrder: datasetTx }], algorithm: { validOrder: algorithmTx } });

    // A longer job: the order is reusable but needs a new fee, paid with reuseOrder.
    const longer = await initialize({ datasets: [dataset(datasetTx)], compute: { env: ENV, validUntil: validUntil + 600 }, algorithm: RAW_ALGORITHM, consumerAddress: payer.address });
    const renewal = longer.datasets[0];
    assert.equal(renewal?.validOrder, datasetTx);
    assert.ok(renewal.providerFee && BigInt(renewal.providerFee.providerFeeAmount) > amount);
    const reuseTx = await reuseOrder(payer, { datatoken: chain.assets.dataset.datatokenAddress, orderTxId: datasetTx, providerFee: renewal.providerFee });
    const restarted = await start(payer, dataset(reuseTx));
    assert.equal(restarted.status, 200, restarted.text);
    assert.equal((restarted.json as Array<{ agreementId: string }>)[0]?.agreementId, reuseTx);
  });

  it('refuses an order that is forged, of another datatoken, of another consumer, for another service index or with a fee from another key', async function () {
    const validUntil = validUntilIn(300);
    const quote = await initialize({ datasets: [dataset()], algorithm: RAW_ALGORITHM, compute: { env: ENV, validUntil }, consumerAddress: payer.address });
    const fee = quote.datasets[0]?.providerFee;
    assert.ok(fee);
    const forStrangerQuote = await initialize({ datasets: [dataset()], algorithm: RAW_ALGORITHM, compute: { env: ENV, validUntil }, consumerAddress: stranger.address });
    const strangerFee = forStrangerQuote.datasets[0]?.providerFee;
    assert.ok(strangerFee);
    const otherKey = Wallet.createRandom();
    const foreignFee = await signProviderFee(otherKey, {
      providerData: fee.providerData,
      providerFeeAddress: otherKey.address,
      providerFeeToken: fee.providerFeeToken,
      providerFeeAmount: 0n,
      validUntil: BigInt(validUntil),
    });

    const refused = {
      forged: id('no such order'),
      'another datatoken': await order(payer, chain.assets.statistics.datatokenAddress, fee),
      'another consumer': await order(stranger, chain.assets.dataset.datatokenAddress, strangerFee, 0, stranger.address),
      'another service index': await order(payer, chain.assets.dataset.datatokenAddress, fee, 1),
      'a fee from another key': await order(payer, chain.assets.dataset.datatokenAddress, foreignFee),
    };
    for (const [what, tx] of Object.entries(refused)) {
      const answer = await start(payer, dataset(tx));
      assert.equal(answer.status, 400, `${what}: ${answer.text}`);
      assert.deepEqual(answer.json, { error: { 'dataset.serviceId': 'order_invalid' } }, what);
    }
    // The stranger's order is good for the stranger.
    const own = await start(stranger, dataset(refused['another consumer']));
    assert.equal(own.status, 200, own.text);
  });

  it('refuses a forged algorithm order, and orders whose fees do not pay for the environment', async function () {
    const validUntil = validUntilIn(300);
    // A second input's fee is 0: ordering the dataset with it pays nothing for the environment.
    const quote = await initialize({ datasets: [dataset(), dataset()], algorithm: RAW_ALGORITHM, compute: { env: ENV, validUntil }, consumerAddress: payer.address });
    const [paying, free] = quote.datasets;
    assert.ok(paying?.providerFee && free?.providerFee);
    assert.equal(free.providerFee.providerFeeAmount, '0');
    assert.notEqual(paying.providerFee.providerFeeAmount, '0');

    const unpaid = await start(payer, dataset(await order(payer, chain.assets.dataset.datatokenAddress, free.providerFee)));
    assert.equal(unpaid.status, 400, unpaid.text);
    assert.deepEqual(unpaid.json, { error: { order: 'fees_not_paid' } });

    const datasetTx = await order(payer, chain.assets.dataset.datatokenAddress, paying.providerFee);
    const forgedAlgorithm = await start(payer, dataset(datasetTx), statistics(id('forged algorithm order')));
    assert.equal(forgedAlgorithm.status, 400, forgedAlgorithm.text);
    assert.deepEqual(forgedAlgorithm.json, { error: { algorithm: 'in_use_or_not_on_chain' } });
  });

  it('answers 500 while the chain does not answer, and goes on serving', async function () {
    const offline = await startSandbox({ dialect: 'provider-v2', rateLimitPerMinute: 0, chain: { rpcUrl: 'http://127.0.0.1:9', escrowAddress: chain.contracts.escrow } });
    try {
      const offlineAssets = addSampleAssets(offline.context.ddos, { chainId: chain.chainId, serviceEndpoint: offline.url });
      const nonce = nextNonce();
      const signature = await signRequest(payer, `${payer.address}${offlineAssets.dataset}${nonce}`);
      const answer = await call(offline.url, 'POST', '/api/services/compute', {
        dataset: { documentId: offlineAssets.dataset, serviceId: 'dataset-compute', transferTxId: id('any') },
        algorithm: RAW_ALGORITHM,
        environment: ENV,
        consumerAddress: payer.address,
        nonce,
        signature,
      });
      assert.equal(answer.status, 500, answer.text);
      assert.match(String((answer.json as { error?: unknown }).error), /reading order .*ECONNREFUSED/);
      assert.equal((await call(offline.url, 'GET', '/')).status, 200);
    } finally {
      await offline.close();
    }
  });
});
