import { listedEnvironment } from '../helpers/listed-environment';
import assert from 'node:assert/strict';
import { JsonRpcProvider, type Wallet } from 'ethers';
import { NODE_CONTAINER, startChainSandbox, type ChainSandbox, type SandboxDialect } from '../../sandbox';
import { connectWallet, escrowAuthorize, escrowDeposit, escrowFunds, readOrder, tokenBalance, type BootstrappedChain } from '../../sandbox/chain';
import { OceanClient, type ComputeJob, type StartJobRequest } from '../../src/ocean';
import { sharedChain } from '../helpers/chain';
import { fundedWallet } from '../helpers/funded-wallet';
import { waitForJob } from '../helpers/jobs';

const OCEAN = 10n ** 18n;
const RAW = (code: string): StartJobRequest['algorithm'] => ({ meta: { container: NODE_CONTAINER, rawcode: code } });

/**
 * Exact amounts on chain: what the wallet pays (to the wei) for orders, provider fees and escrow
 * deposits, and what it authorises the node to lock. Every test uses a wallet of its own, so
 * balances and nonces are its own.
 */
describe('amounts paid on chain, to the wei', function () {
  this.timeout(90_000);
  let chain: BootstrappedChain;
  let provider: JsonRpcProvider;

  before(async function () {
    chain = await sharedChain();
    provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  });

  after(function () {
    provider.destroy();
  });

  const ocean = (wallet: Wallet): Promise<bigint> => tokenBalance(provider, chain.contracts.oceanToken, wallet.address);
  const nonce = (wallet: Wallet): Promise<number> => provider.getTransactionCount(wallet.address);

  function clientFor(setup: ChainSandbox, wallet: Wallet, authorizeJobs?: number): OceanClient {
    return new OceanClient({
      providerUrl: setup.sandbox.url,
      chainId: chain.chainId,
      rpcUrl: chain.rpcUrl,
      privateKey: wallet.privateKey,
      payment: { escrow: { escrowAddress: chain.contracts.escrow, ...(authorizeJobs ? { authorizeJobs } : {}) } },
    });
  }

  describe('Ocean Node escrow', function () {
    let setup: ChainSandbox;
    let environment: string;
    let payee: string;
    const paid = (code = 'console.log(1)'): StartJobRequest => ({ environment, free: false, maxJobDuration: 60, datasets: [], algorithm: RAW(code) });
    const funds = (wallet: Wallet) => escrowFunds(provider, chain.contracts.escrow, wallet.address, chain.contracts.oceanToken, payee);

    before(async function () {
      setup = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0 });
      const standard = await listedEnvironment(setup.sandbox.url, chain.chainId);
      environment = standard.id;
      payee = standard.consumerAddress!;
    });

    after(async function () {
      await setup.sandbox.close();
    });

    it('the price of the job is what the quote says: 1 OCEAN for a minute of one CPU', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const client = clientFor(setup, wallet);
      const quote = await client.quoteJob(paid());
      assert.equal(quote.escrow?.raw, OCEAN.toString());
      assert.equal(quote.escrow?.lockSeconds, 60 + 3600);
      assert.deepEqual(quote.costs.map((c) => [c.token, c.raw]), [[chain.contracts.oceanToken, OCEAN.toString()]]);
      client.close();
    });

    it('an empty escrow: deposits exactly the price and authorises exactly one lock of it', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const client = clientFor(setup, wallet);
      const before = await ocean(wallet);
      const sent = await nonce(wallet);
      const job = await client.startJob(paid());
      assert.equal(before - (await ocean(wallet)), OCEAN, 'the wallet paid the price, once');
      assert.equal(await nonce(wallet), sent + 3, 'approve, deposit, authorize');
      const escrowed = await funds(wallet);
      assert.equal(escrowed.available + escrowed.locked, OCEAN, 'the escrow holds the price');
      assert.deepEqual(
        { ...escrowed.authorization, currentLockedAmount: 0n, currentLocks: 0n },
        { payee, maxLockedAmount: OCEAN, currentLockedAmount: 0n, maxLockSeconds: 3660n, maxLockCounts: 1n, currentLocks: 0n },
      );
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('a partly funded escrow: deposits only what it lacks', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      await escrowDeposit(connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId), chain.contracts.escrow, chain.contracts.oceanToken, (4n * OCEAN) / 10n);
      const client = clientFor(setup, wallet);
      const before = await ocean(wallet);
      const job = await client.startJob(paid());
      assert.equal(before - (await ocean(wallet)), (6n * OCEAN) / 10n, 'the shortfall, 0.6 OCEAN, not the price');
      const escrowed = await funds(wallet);
      assert.equal(escrowed.available + escrowed.locked, OCEAN);
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('an escrow that holds enough: no deposit, only the authorisation', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      await escrowDeposit(connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId), chain.contracts.escrow, chain.contracts.oceanToken, 2n * OCEAN);
      const client = clientFor(setup, wallet);
      const before = await ocean(wallet);
      const sent = await nonce(wallet);
      const job = await client.startJob(paid());
      assert.equal(await ocean(wallet), before);
      assert.equal(await nonce(wallet), sent + 1, 'authorize only');
      const escrowed = await funds(wallet);
      assert.equal(escrowed.available + escrowed.locked, 2n * OCEAN);
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('an authorisation that still covers the job: nothing is sent but the start', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
      await escrowDeposit(payer, chain.contracts.escrow, chain.contracts.oceanToken, OCEAN);
      await escrowAuthorize(payer, chain.contracts.escrow, { token: chain.contracts.oceanToken, payee, maxLockedAmount: OCEAN, maxLockSeconds: 3660n, maxLockCounts: 1n });
      const client = clientFor(setup, wallet);
      const sent = await nonce(wallet);
      const job = await client.startJob(paid());
      assert.equal(await nonce(wallet), sent, 'deposit and authorisation were enough, to the wei and the second');
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('an authorisation one wei, one second or one lock short is renewed, with what the job needs', async function () {
      const shortBy: Array<[string, { maxLockedAmount: bigint; maxLockSeconds: bigint; maxLockCounts: bigint }]> = [
        ['one wei', { maxLockedAmount: OCEAN - 1n, maxLockSeconds: 3660n, maxLockCounts: 1n }],
        ['one second', { maxLockedAmount: OCEAN, maxLockSeconds: 3659n, maxLockCounts: 1n }],
        ['one lock', { maxLockedAmount: OCEAN, maxLockSeconds: 3660n, maxLockCounts: 0n }],
      ];
      for (const [what, terms] of shortBy) {
        const wallet = await fundedWallet(chain, { ocean: 5 });
        const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
        await escrowDeposit(payer, chain.contracts.escrow, chain.contracts.oceanToken, OCEAN);
        await escrowAuthorize(payer, chain.contracts.escrow, { token: chain.contracts.oceanToken, payee, ...terms });
        const client = clientFor(setup, wallet);
        const sent = await nonce(wallet);
        const job = await client.startJob(paid());
        assert.equal(await nonce(wallet), sent + 1, `${what}: one authorize`);
        const auth = (await funds(wallet)).authorization;
        assert.deepEqual([auth?.maxLockedAmount, auth?.maxLockSeconds, auth?.maxLockCounts], [OCEAN, 3660n, 1n], what);
        await waitForJob(client, job.jobId, 200);
        client.close();
      }
    });

    it('a longer lock the wallet allowed before is kept', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
      await escrowDeposit(payer, chain.contracts.escrow, chain.contracts.oceanToken, OCEAN);
      await escrowAuthorize(payer, chain.contracts.escrow, { token: chain.contracts.oceanToken, payee, maxLockedAmount: 0n, maxLockSeconds: 7200n, maxLockCounts: 0n });
      const client = clientFor(setup, wallet);
      const job = await client.startJob(paid());
      const auth = (await funds(wallet)).authorization;
      assert.deepEqual([auth?.maxLockedAmount, auth?.maxLockSeconds, auth?.maxLockCounts], [OCEAN, 7200n, 1n]);
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('a second job while the first holds its lock: authorises both, to the wei', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const client = clientFor(setup, wallet);
      const first = await client.startJob(paid('setTimeout(() => {}, 2500)'));
      const locked = await funds(wallet);
      assert.equal(locked.authorization?.currentLockedAmount, OCEAN);
      assert.equal(locked.authorization?.currentLocks, 1n);
      const before = await ocean(wallet);
      const second = await client.startJob(paid());
      assert.equal(before - (await ocean(wallet)), OCEAN, 'the second price, deposited');
      const both = (await funds(wallet)).authorization;
      assert.deepEqual([both?.maxLockedAmount, both?.maxLockCounts], [2n * OCEAN, 2n]);
      await waitForJob(client, second.jobId, 200);
      await waitForJob(client, first.jobId, 200);
      client.close();
    });

    it('authorizeJobs: three jobs\' worth at once, and the next job sends no authorisation', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5 });
      const client = clientFor(setup, wallet, 3);
      const job = await client.startJob(paid());
      const auth = (await funds(wallet)).authorization;
      assert.deepEqual([auth?.maxLockedAmount, auth?.maxLockSeconds, auth?.maxLockCounts], [3n * OCEAN, 3660n, 3n]);
      await waitForJob(client, job.jobId, 200);
      const sent = await nonce(wallet);
      const again = await client.startJob(paid());
      assert.equal(await nonce(wallet), sent + 2, 'approve and deposit of the next price; no authorize');
      await waitForJob(client, again.jobId, 200);
      client.close();
    });
  });

  describe('Provider v2 orders and provider fees', function () {
    let setup: ChainSandbox;
    let priced: string;
    const dt = (key: 'dataset' | 'statistics'): string => chain.assets[key].datatokenAddress;
    const job = (): StartJobRequest => ({ environment: priced, datasets: [{ did: setup.assets.dataset }], algorithm: { did: setup.assets.statistics }, maxJobDuration: 60 });

    before(async function () {
      setup = await startChainSandbox('provider-v2' as SandboxDialect, chain, { rateLimitPerMinute: 0 });
      const probe = new OceanClient({ providerUrl: setup.sandbox.url, chainId: chain.chainId });
      // The environment that charges by the minute (priceMin 0.5).
      priced = (await probe.environments()).find((env) => !env.isFree)!.id;
      probe.close();
    });

    after(async function () {
      await setup.sandbox.close();
    });

    /** The order behind a v2 job (its agreement: the main dataset's order) as the chain records it. */
    async function agreementOf(done: ComputeJob) {
      const tx = String(done.raw.agreementId);
      const order = await readOrder(provider, tx, dt('dataset'));
      assert.ok(order?.providerFee, `order ${tx} has a ProviderFee event`);
      return order;
    }

    it('new orders: one datatoken each, and the main dataset\'s provider fee, to the wei', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      const client = clientFor(setup, wallet);
      const before = await ocean(wallet);
      const started = await client.startJob(job());
      const done = await waitForJob(client, started.jobId, 200);
      const order = await agreementOf(done);
      assert.ok(order.orderStarted, 'a new order');
      const fee = order.providerFee!.providerFeeAmount;
      assert.ok(fee > 0n && fee <= OCEAN / 2n, `a fee of at most 0.5 OCEAN for a minute, got ${fee}`);
      assert.equal(before - (await ocean(wallet)), fee, 'the wallet paid the fee, and only it');
      assert.equal(await tokenBalance(provider, dt('dataset'), wallet.address), 0n, 'one dataset datatoken spent');
      assert.equal(await tokenBalance(provider, dt('statistics'), wallet.address), 0n, 'one algorithm datatoken spent');
      client.close();
    });

    it('a still-valid order is reused, and its renewed provider fee paid, to the wei', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      const client = clientFor(setup, wallet);
      const first = await waitForJob(client, (await client.startJob(job())).jobId, 200);
      const firstOrder = String(first.raw.agreementId);
      const before = await ocean(wallet);
      // The first fee covered a minute; a job that may run two asks past it, so the fee is due again.
      const second = await waitForJob(client, (await client.startJob({ ...job(), maxJobDuration: 120 })).jobId, 200);
      const renewal = await agreementOf(second);
      assert.notEqual(renewal.txHash, firstOrder, 'a new transaction');
      assert.equal(renewal.orderStarted, null);
      assert.equal(renewal.orderReused?.orderTxId, firstOrder, 'reuseOrder on the first order');
      const fee = renewal.providerFee!.providerFeeAmount;
      assert.ok(fee > OCEAN / 2n && fee <= OCEAN, `a fee for up to two minutes at 0.5 OCEAN, got ${fee}`);
      assert.equal(before - (await ocean(wallet)), fee, 'the renewed fee, paid once');
      assert.equal(await tokenBalance(provider, dt('dataset'), wallet.address), 0n, 'no second datatoken');
      client.close();
    });
  });
});
