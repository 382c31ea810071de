import { listedEnvironment } from '../helpers/listed-environment';
import assert from 'node:assert/strict';
import { Contract, Interface, JsonRpcProvider, ZeroAddress, hexlify, parseUnits, toUtf8Bytes, type TransactionResponse, type Wallet } from 'ethers';
import { datasetAsset, startChainSandbox, type ChainSandbox } from '../../sandbox';
import { connectWallet, signProviderFee, tokenBalance, type BootstrappedChain } from '../../sandbox/chain';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { DATATOKEN_ABI, ERC20_ABI } from '../../src/ocean/payment/abi';
import { sharedChain } from '../helpers/chain';
import { failure } from '../helpers/failure';
import { fundedWallet } from '../helpers/funded-wallet';
import { waitForJob } from '../helpers/jobs';
import { pollUntil } from '../helpers/payments';

const OCEAN = 10n ** 18n;
const DATATOKEN = new Interface(DATATOKEN_ABI);
const ERC20 = new Interface(ERC20_ABI);

/**
 * Orders and provider fees on a Provider v2, on the local chain with the real contracts: the exact
 * calls a start sends, and what it refuses before sending any.
 */
describe('orders and provider fees as a wallet pays them (Provider v2, local chain)', function () {
  this.timeout(60_000);
  let chain: BootstrappedChain;
  let setup: ChainSandbox;
  let provider: JsonRpcProvider;
  let priced: string;
  let consumer: string;

  before(async function () {
    chain = await sharedChain();
    setup = await startChainSandbox('provider-v2', chain, { rateLimitPerMinute: 0 });
    provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const env = await listedEnvironment(setup.sandbox.url, chain.chainId, (e) => !e.isFree);
    priced = env.id;
    consumer = env.consumerAddress!;
  });

  after(async function () {
    provider.destroy();
    await setup.sandbox.close();
  });

  const dt = (key: 'dataset' | 'statistics'): string => chain.assets[key].datatokenAddress;
  const ocean = (): string => chain.contracts.oceanToken;
  const job = (extra: Partial<StartJobRequest> = {}): StartJobRequest => ({ environment: priced, datasets: [{ did: setup.assets.dataset }], algorithm: { did: setup.assets.statistics }, maxJobDuration: 60, ...extra });
  const nonce = (wallet: Wallet): Promise<number> => provider.getTransactionCount(wallet.address);
  const clientFor = (wallet: Wallet): OceanClient => new OceanClient({ providerUrl: setup.sandbox.url, chainId: chain.chainId, rpcUrl: chain.rpcUrl, privateKey: wallet.privateKey });

  /** The wallet's transactions mined since block `from`, in order. */
  async function sentSince(wallet: Wallet, from: number): Promise<TransactionResponse[]> {
    const sent: TransactionResponse[] = [];
    const last = await provider.getBlockNumber();
    for (let n = from + 1; n <= last; n++) {
      const block = await provider.getBlock(n, true);
      sent.push(...(block?.prefetchedTransactions ?? []).filter((tx) => tx.from === wallet.address));
    }
    return sent;
  }

  it('new orders: the fee approved to the dataset\'s datatoken, then startOrder on each datatoken, made out to the environment, exact arguments', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    const from = await provider.getBlockNumber();
    const started = await client.startJob(job());
    const sent = await sentSince(wallet, from);
    assert.deepEqual(
      sent.map((tx) => [tx.to, tx.data.slice(0, 10)]),
      [
        [ocean(), ERC20.getFunction('approve')!.selector],
        [dt('dataset'), DATATOKEN.getFunction('startOrder')!.selector],
        [dt('statistics'), DATATOKEN.getFunction('startOrder')!.selector],
      ],
      'approve, then one order per asset; the algorithm\'s fee is 0, so nothing to approve for it',
    );
    const [orderFor, serviceIndex, providerFee, marketFee] = DATATOKEN.decodeFunctionData('startOrder', sent[1]!.data) as unknown as [string, bigint, unknown[], unknown[]];
    const fee = providerFee[2] as bigint;
    assert.ok(fee > 0n && fee <= OCEAN / 2n, `a fee for a minute at 0.5 OCEAN, got ${fee}`);
    assert.deepEqual([...ERC20.decodeFunctionData('approve', sent[0]!.data)], [dt('dataset'), fee], 'exactly the fee is allowed');
    assert.deepEqual([orderFor, serviceIndex], [consumer, 0n]);
    assert.deepEqual([...providerFee.slice(0, 2)], [consumer, ocean()]);
    assert.deepEqual([...marketFee], [ZeroAddress, ZeroAddress, 0n]);
    const [, , algorithmFee] = DATATOKEN.decodeFunctionData('startOrder', sent[2]!.data) as unknown as [string, bigint, unknown[]];
    assert.equal(algorithmFee[2], 0n);
    assert.equal(await tokenBalance(provider, ocean(), wallet.address), 5n * OCEAN - fee);
    await waitForJob(client, started.jobId, 200);
    client.close();
  });

  it('a wallet holding exactly the fee, already allowed exactly it: the quote in full; then no approve, the two orders, and the wallet is left with nothing', async function () {
    const wallet = await fundedWallet(chain, { ocean: 1, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
    await (await new Contract(ocean(), ERC20_ABI, payer).getFunction('approve')(dt('dataset'), OCEAN)).wait();
    payer.provider?.destroy();
    // A fee of exactly 1 OCEAN, signed by the provider: two minutes at 0.5 OCEAN.
    const node = connectWallet(chain.rpcUrl, chain.accounts.provider.privateKey, chain.chainId);
    const now = Math.floor(Date.now() / 1000);
    const signed = (amount: bigint, datatoken: string, id: string) =>
      signProviderFee(node, {
        providerData: hexlify(toUtf8Bytes(JSON.stringify({ environment: priced, timestamp: now, dt: datatoken, id }))),
        providerFeeAddress: consumer,
        providerFeeToken: ocean(),
        providerFeeAmount: amount,
        validUntil: BigInt(now + 120),
      });
    // An escrow quote in a Provider v2 answer is none of its business: ignored, nothing is escrowed.
    // The algorithm's line names no datatoken: the DDO's is the one ordered.
    const stray = { escrowAddress: chain.contracts.escrow, payee: wallet.address, chainId: 1, token: dt('dataset'), amount: '1', minLockSeconds: 1 };
    const body = { datasets: [{ datatoken: dt('dataset'), providerFee: await signed(OCEAN, dt('dataset'), 'dataset-compute') }], algorithm: { providerFee: await signed(0n, dt('statistics'), 'algorithm-compute') }, payment: stray };
    node.provider?.destroy();
    setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify(body), times: 2 });
    const client = clientFor(wallet);
    const symbol = async (token: string): Promise<string> => String(await new Contract(token, ERC20_ABI, provider).getFunction('symbol')());
    assert.deepEqual(await client.quoteJob(job({ maxJobDuration: 120 })), {
      free: false,
      environment: priced,
      cost: 1,
      token: ocean(),
      costs: [
        { token: dt('dataset'), symbol: await symbol(dt('dataset')), decimals: 18, amount: '1.0', raw: OCEAN.toString() },
        { token: ocean(), symbol: 'OCEAN', decimals: 18, amount: '1.0', raw: OCEAN.toString() },
        { token: dt('statistics'), symbol: await symbol(dt('statistics')), decimals: 18, amount: '1.0', raw: OCEAN.toString() },
      ],
      orders: [
        { field: 'datasets[0]', did: setup.assets.dataset, serviceId: 'dataset-compute', action: 'order' },
        { field: 'algorithm', did: setup.assets.statistics, serviceId: 'algorithm-compute', action: 'order' },
      ],
      budget: { allowed: true },
    });
    const from = await provider.getBlockNumber();
    const started = await client.startJob(job({ maxJobDuration: 120 }));
    const sent = await sentSince(wallet, from);
    assert.deepEqual(sent.map((tx) => tx.to), [dt('dataset'), dt('statistics')], 'the allowance was enough: two startOrder, no approve');
    assert.equal(await tokenBalance(provider, ocean(), wallet.address), 0n);
    await waitForJob(client, started.jobId, 200);
    client.close();
  });

  it('an order a start in flight is using is not handed to another start until that start has its answer', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 2, [dt('statistics')]: 2 } });
    const client = clientFor(wallet);
    await waitForJob(client, (await client.startJob(job())).jobId, 200);
    const reused = ['reuse', 'renew'];
    assert.ok(reused.includes((await client.quoteJob(job())).orders[0]!.action), 'the finished job\'s order is offered again');

    const starts = (): number => setup.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/services/compute').length;
    const before = starts();
    setup.sandbox.fail({ method: 'POST', path: '/api/services/compute', status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'held for the test' }), delayMs: 4000 });
    const inFlight = client.startJob(job()).catch((error: unknown) => error);
    await pollUntil(async () => starts(), (n) => n > before, 'the start reaching the provider');
    const meanwhile = await client.quoteJob(job());
    assert.deepEqual(meanwhile.orders.map((o) => [o.field, reused.includes(o.action) ? 'kept' : o.action]), [['datasets[0]', 'order'], ['algorithm', 'kept']], 'the agreement in use is ordered anew; the algorithm\'s order is shared');
    assert.equal(((await inFlight) as { code?: string }).code, 'REQUEST_REJECTED');
    assert.ok(reused.includes((await client.quoteJob(job())).orders[0]!.action), 'answered: the order is offered again');
    client.close();
  });

  it('the order of a job still running is its agreement: the next quote orders the dataset anew; once stopped, the order is offered again', async function () {
    const ticker = chain.assets.longRunning.datatokenAddress;
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 2, [ticker]: 1 } });
    const client = clientFor(wallet);
    const long = job({ algorithm: { did: setup.assets.longRunning } });
    const running = await client.startJob(long);
    const meanwhile = await client.quoteJob(long);
    assert.deepEqual(meanwhile.orders.map((o) => [o.field, o.action === 'order' ? 'order' : 'kept']), [['datasets[0]', 'order'], ['algorithm', 'kept']]);
    await client.stopJob(running.jobId);
    await waitForJob(client, running.jobId, 200);
    assert.notEqual((await client.quoteJob(long)).orders[0]!.action, 'order');
    client.close();
  });

  it('a wallet without gas: the fee\'s allowance says it could not be given, naming the asset', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    await provider.send('anvil_setBalance', [wallet.address, '0x0']);
    const client = clientFor(wallet);
    const error = await failure(client.startJob(job()));
    assert.equal(error.code, 'INSUFFICIENT_FUNDS');
    assert.equal(error.message, "Could not allow the provider fee of datasets[0]: the wallet has not enough of the chain's native coin to pay for gas");
    client.close();
  });

  it('a wallet without gas, renewing an order whose fee it already allowed: the renewal says it could not be sent', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    await waitForJob(client, (await client.startJob(job())).jobId, 200);
    const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
    await (await new Contract(ocean(), ERC20_ABI, payer).getFunction('approve')(dt('dataset'), 5n * OCEAN)).wait();
    payer.provider?.destroy();
    await provider.send('anvil_setBalance', [wallet.address, '0x0']);
    const error = await failure(client.startJob(job({ maxJobDuration: 120 })));
    assert.equal(error.message, `Could not renew the order of datasets[0] (${setup.assets.dataset}): the wallet has not enough of the chain's native coin to pay for gas`);
    client.close();
  });

  it('a provider fee the wallet cannot pay: INSUFFICIENT_FUNDS naming the fee, the token and the balance, and nothing sent', async function () {
    const wallet = await fundedWallet(chain, { datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    const sent = await nonce(wallet);
    const error = await failure(client.startJob(job()));
    assert.equal(error.code, 'INSUFFICIENT_FUNDS');
    // The fee runs to the second the provider signs it: read it from the answer, check it is a minute's.
    const needed = String(error.details?.needed);
    assert.ok(parseUnits(needed, 18) > 0n && parseUnits(needed, 18) <= OCEAN / 2n, `a fee for a minute at 0.5 OCEAN, got ${needed}`);
    assert.equal(error.message, `datasets[0]: the provider fee is ${needed} of token ${ocean()}; wallet ${wallet.address} holds 0.0`);
    assert.deepEqual(error.details, { field: 'datasets[0]', needed, available: '0.0', token: ocean() });
    assert.equal(await nonce(wallet), sent);
    client.close();
  });

  it('a wallet without the dataset\'s datatoken: INSUFFICIENT_FUNDS with the datatoken, after only the fee\'s approve', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    const from = await provider.getBlockNumber();
    const error = await failure(client.startJob(job()));
    assert.equal(error.code, 'INSUFFICIENT_FUNDS');
    assert.equal(error.message, `datasets[0]: an order takes 1 datatoken of ${setup.assets.dataset}; wallet ${wallet.address} holds 0.0`);
    assert.deepEqual(error.details, { field: 'datasets[0]', needed: '1', available: '0.0', token: dt('dataset') });
    assert.deepEqual((await sentSince(wallet, from)).map((tx) => [tx.to, tx.data.slice(0, 10)]), [[ocean(), ERC20.getFunction('approve')!.selector]]);
    client.close();
  });

  it('an initialize answer with neither a valid order nor a provider fee: BAD_RESPONSE naming the asset, and nothing sent', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify({ datasets: [{ datatoken: dt('dataset') }], algorithm: { datatoken: dt('statistics') } }), times: 2 });
    const quote = await client.quoteJob(job());
    assert.deepEqual([quote.cost, quote.costs.map((c) => c.token)], [0, [dt('dataset'), dt('statistics')]], 'no fee token named: a datatoken each, nothing else');
    assert.equal('token' in quote, false);
    const sent = await nonce(wallet);
    const error = await failure(client.startJob(job()));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.message, `datasets[0]: initializeCompute gave neither a valid order nor a provider fee for ${setup.assets.dataset}`);
    assert.equal(await nonce(wallet), sent);
    client.close();
  });

  it('a free job that needs orders: PAYMENT_REFUSED naming what is unpaid; with its orders passed in, nothing to pay', async function () {
    const wallet = await fundedWallet(chain, { ocean: 1, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    const sent = await nonce(wallet);
    const unpaid = await failure(client.quoteJob(job({ free: true })));
    assert.equal(unpaid.code, 'PAYMENT_REFUSED');
    assert.equal(
      unpaid.message,
      "Nothing was paid: the job is set to free, but a Provider v2 needs a datatoken order for datasets[0], algorithm; set the node's tier to paid to order, or pass paid orders as transferTxId",
    );
    assert.deepEqual(unpaid.details, { field: 'free', unpaid: ['datasets[0]', 'algorithm'] });
    const oneUnpaid = await failure(client.quoteJob(job({ free: true, datasets: [{ did: setup.assets.dataset, transferTxId: `0x${'12'.repeat(32)}` }] })));
    assert.deepEqual(oneUnpaid.details, { field: 'free', unpaid: ['algorithm'] });
    const given = `0x${'34'.repeat(32)}`;
    const paidFor = job({ free: true, datasets: [{ did: setup.assets.dataset, transferTxId: given }], algorithm: { did: setup.assets.statistics, transferTxId: given } });
    assert.deepEqual(await client.quoteJob(paidFor), { free: true, environment: priced, cost: 0, costs: [], orders: [], budget: { allowed: true } });
    assert.deepEqual(await client.quoteJob({ ...paidFor, free: false }), { free: false, environment: priced, cost: 0, costs: [], orders: [], budget: { allowed: true } });
    assert.equal(await nonce(wallet), sent);
    client.close();
  });

  it('a paid job on a connection without an RPC URL: INVALID_CONFIG naming rpcUrl', async function () {
    const wallet = await fundedWallet(chain);
    const client = new OceanClient({ providerUrl: setup.sandbox.url, chainId: chain.chainId, privateKey: wallet.privateKey });
    const error = await failure(client.quoteJob(job()));
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.equal(error.message, 'rpcUrl: paid jobs need the JSON-RPC URL of the chain; set it in the connection');
    assert.deepEqual(error.details, { field: 'rpcUrl' });
    client.close();
  });

  it('an answer naming another datatoken than the DDO: PAYMENT_REFUSED naming both, and nothing sent', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    const zeroFee = { providerFeeAddress: consumer, providerFeeToken: ocean(), providerFeeAmount: '0', providerData: '0x', v: 27, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, validUntil: 0 };
    const body = { datasets: [{ datatoken: dt('dataset').toLowerCase(), providerFee: zeroFee }], algorithm: { datatoken: dt('dataset'), providerFee: zeroFee } };
    setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    const sent = await nonce(wallet);
    const error = await failure(client.startJob(job()));
    assert.equal(error.code, 'PAYMENT_REFUSED');
    assert.equal(error.message, `Nothing was paid: the backend's price quote was refused, because it names datatoken ${dt('dataset')} for algorithm, not the DDO's ${dt('statistics')}`);
    assert.deepEqual(error.details, { field: 'algorithm.datatoken', expected: dt('statistics'), got: dt('dataset') });
    assert.equal(await nonce(wallet), sent, 'the dataset\'s datatoken, in lower case, is its own: only the algorithm\'s was refused');
    client.close();
  });

  it('the wallet view on a connection without a key: INVALID_CONFIG naming privateKey', async function () {
    const client = new OceanClient({ providerUrl: setup.sandbox.url, chainId: chain.chainId, rpcUrl: chain.rpcUrl });
    const error = await failure(client.account());
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.equal(error.message, 'privateKey: a wallet key is needed to pay for jobs; set one in the connection');
    client.close();
  });

  it('a provider fee above the environment\'s price for the job\'s time: PAYMENT_REFUSED with both amounts, and nothing sent', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    const fee = { providerFeeAddress: consumer, providerFeeToken: ocean(), providerFeeAmount: OCEAN.toString(), providerData: '0x', v: 27, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, validUntil: 0 };
    setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify({ datasets: [{ datatoken: dt('dataset'), providerFee: fee }], algorithm: { datatoken: dt('statistics'), providerFee: { ...fee, providerFeeAmount: '0' } } }) });
    const sent = await nonce(wallet);
    const error = await failure(client.startJob(job()));
    assert.equal(error.code, 'PAYMENT_REFUSED');
    assert.equal(error.message, "Nothing was paid: the backend's price quote was refused, because its provider fees come to 1.0 where the environment's price makes 0.5");
    assert.deepEqual(error.details, { field: 'providerFeeAmount', expected: '0.5', got: '1.0', token: ocean() });
    assert.equal(await nonce(wallet), sent);
    client.close();
  });

  it('a still-valid order whose fee ran out: quoted as renew, costing only the new fee', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
    const client = clientFor(wallet);
    await waitForJob(client, (await client.startJob(job())).jobId, 200);
    const quote = await client.quoteJob(job({ maxJobDuration: 120 }));
    assert.equal(quote.orders[0]!.action, 'renew');
    assert.match(String(quote.orders[0]!.validOrder), /^0x[0-9a-f]{64}$/);
    assert.deepEqual(quote.costs.map((c) => c.token), [ocean()], 'the fee, no datatoken');
    assert.ok(BigInt(quote.costs[0]!.raw) > OCEAN / 2n && BigInt(quote.costs[0]!.raw) <= OCEAN, `a fee for up to two minutes at 0.5 OCEAN, got ${quote.costs[0]!.raw}`);
    client.close();
  });

  it('the account view of a Provider v2 wallet: the fee token, no escrow', async function () {
    const wallet = await fundedWallet(chain, { ocean: 3 });
    const client = clientFor(wallet);
    const view = await client.account();
    assert.deepEqual(view.tokens, [{ token: ocean(), symbol: 'OCEAN', decimals: 18, balance: '3.0' }]);
    client.close();
  });

  it('a DDO and an answer that name no datatoken: the quote counts none; a start refuses it before paying', async function () {
    const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('statistics')]: 1 } });
    const bare = datasetAsset({ name: 'no datatoken', chainId: chain.chainId, serviceEndpoint: setup.sandbox.url, nftAddress: chain.assets.dataset.nftAddress, datatokenAddress: dt('dataset'), files: [{ content: 'x' }] });
    const service = (bare.ddo.services as Array<Record<string, unknown>>)[0]!;
    delete service.datatokenAddress;
    setup.sandbox.context.ddos.add(bare);
    const did = String(bare.ddo.id);
    const client = clientFor(wallet);
    const zeroFee = { providerFeeAddress: consumer, providerFeeToken: ocean(), providerFeeAmount: '0', providerData: '0x', v: 27, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, validUntil: 0 };
    const answer = JSON.stringify({ datasets: [{ providerFee: zeroFee }], algorithm: { datatoken: dt('statistics'), providerFee: zeroFee } });
    setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: answer });
    const quote = await client.quoteJob(job({ datasets: [{ did }] }));
    assert.deepEqual(quote.costs.map((c) => [c.token, c.raw]), [[dt('statistics'), OCEAN.toString()]], 'one datatoken, the algorithm\'s');
    assert.deepEqual([quote.token, quote.cost], [ocean(), 0], 'fees in OCEAN, of 0');
    assert.deepEqual(quote.orders.map((o) => [o.field, o.action]), [['datasets[0]', 'order'], ['algorithm', 'order']]);
    setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: answer });
    const sent = await nonce(wallet);
    const error = await failure(client.startJob(job({ datasets: [{ did }] })));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.message, `datasets[0]: initializeCompute gave neither a valid order nor a provider fee for ${did}`);
    assert.equal(await nonce(wallet), sent);
    client.close();
  });
});
