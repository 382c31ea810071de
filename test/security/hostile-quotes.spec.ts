import { listedEnvironment } from '../helpers/listed-environment';
import assert from 'node:assert/strict';
import { Contract, JsonRpcProvider, Wallet, parseEther, type Wallet as WalletType } from 'ethers';
import { startChainSandbox, type ChainSandbox, type SandboxDialect } from '../../sandbox';
import { escrowFunds, tokenBalance, type BootstrappedChain } from '../../sandbox/chain';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { sharedChain } from '../helpers/chain';
import { failure } from '../helpers/failure';
import { fundedWallet } from '../helpers/funded-wallet';
import { startHostileProxy, type HostileProxy } from '../helpers/hostile-proxy';
import { waitForJob } from '../helpers/jobs';

const ATTACKER = Wallet.createRandom().address;
const TEN_YEARS = 10 * 365 * 24 * 3600;
const RAW = { meta: { container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' }, rawcode: 'console.log(1)' } };

type Quote = Record<string, unknown>;

/**
 * A backend that changes only the money in its answers: the sandbox on the local chain behind a
 * proxy that rewrites initializeCompute. Every rewrite is refused before any transaction, so the
 * wallet's nonce, token balance and escrow funds stay where they were.
 */
for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`a hostile backend's price quotes (${dialect})`, function () {
    this.timeout(60_000);
    let chain: BootstrappedChain;
    let setup: ChainSandbox;
    let proxy: HostileProxy;
    let provider: JsonRpcProvider;
    let environment: string;

    before(async function () {
      chain = await sharedChain();
      setup = await startChainSandbox(dialect, chain, { rateLimitPerMinute: 0 });
      proxy = await startHostileProxy(setup.sandbox.url);
      provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
      // Provider v2: the environment with a price (priceMin 0.5), so its provider fee is not 0.
      environment = (await listedEnvironment(setup.sandbox.url, chain.chainId, (env) => (dialect === 'ocean-node' ? env.isFree : !env.isFree))).id;
    });

    after(async function () {
      provider.destroy();
      await proxy.close();
      await setup.sandbox.close();
    });

    const clientFor = (wallet: WalletType): OceanClient =>
      new OceanClient({ providerUrl: proxy.url, chainId: chain.chainId, rpcUrl: chain.rpcUrl, privateKey: wallet.privateKey, payment: { escrow: { escrowAddress: chain.contracts.escrow } } });
    const job = (): StartJobRequest =>
      dialect === 'ocean-node'
        ? { environment, free: false, maxJobDuration: 60, datasets: [], algorithm: RAW }
        : { environment, free: false, maxJobDuration: 60, datasets: [{ did: setup.assets.dataset }], algorithm: { did: setup.assets.statistics } };
    const wallet = (): Promise<WalletType> =>
      fundedWallet(chain, { ocean: 10, datatokens: { [chain.assets.dataset.datatokenAddress]: 2, [chain.assets.statistics.datatokenAddress]: 2 } });
    const snapshot = async (w: WalletType): Promise<string> => {
      const [nonce, ocean, escrow] = await Promise.all([
        provider.getTransactionCount(w.address),
        tokenBalance(provider, chain.contracts.oceanToken, w.address),
        escrowFunds(chain.rpcUrl, chain.contracts.escrow, w.address, chain.contracts.oceanToken, chain.accounts.provider.address),
      ]);
      return JSON.stringify({ nonce, ocean: ocean.toString(), available: escrow.available.toString(), locked: escrow.locked.toString() });
    };

    /** Rewrites the next initializeCompute answer, runs a paid start, and expects a refusal that cost nothing. */
    async function refused(rewrite: (answer: Quote) => Quote, field: RegExp): Promise<Record<string, unknown>> {
      const w = await wallet();
      const before = await snapshot(w);
      proxy.rewrite({ method: 'POST', path: '/api/services/initializeCompute', times: 1, json: (body) => rewrite(body as Quote) });
      const client = clientFor(w);
      const error = await failure(client.startJob(job()));
      client.close();
      assert.equal(error.code, 'PAYMENT_REFUSED', error.message);
      assert.match(String(error.details?.field), field);
      assert.match(error.message, /^Nothing was paid: the backend's price quote was refused/);
      assert.equal(await snapshot(w), before, 'no transaction, no token moved');
      assert.equal(setup.sandbox.context.jobs.running().filter((j) => j.owner === w.address).length, 0, 'no job started');
      return error.details ?? {};
    }

    if (dialect === 'ocean-node') {
      const payment = (answer: Quote): Quote => answer.payment as Quote;
      const withPayment = (change: Quote) => (answer: Quote): Quote => ({ ...answer, payment: { ...payment(answer), ...change } });

      it('refuses a payee that is not the node', async function () {
        const details = await refused(withPayment({ payee: ATTACKER }), /^payee$/);
        assert.equal(details.got, ATTACKER);
        assert.equal(details.expected, chain.accounts.provider.address);
      });

      it('refuses an amount above the price of the environment (1 OCEAN per cpu-minute, 1 cpu, 60 s)', async function () {
        const details = await refused(withPayment({ amount: parseEther('500').toString() }), /^amount$/);
        assert.equal(details.expected, '1.0');
        assert.equal(details.got, '500.0');
      });

      it('refuses a lock longer than the job plus the claim time', async function () {
        const details = await refused(withPayment({ minLockSeconds: TEN_YEARS }), /^minLockSeconds$/);
        assert.equal(details.expected, 3660);
      });

      it('refuses an escrow contract that is not the chain\'s', async function () {
        await refused(withPayment({ escrowAddress: ATTACKER }), /^escrowAddress$/);
      });

      it('refuses a token the environment does not take, and another chain', async function () {
        await refused(withPayment({ token: chain.assets.dataset.datatokenAddress }), /^token$/);
        await refused(withPayment({ chainId: 1 }), /^chainId$/);
      });

      it('refuses the attack the review ran: payee, amount and lock changed together; nothing moves', async function () {
        await refused(withPayment({ payee: ATTACKER, amount: parseEther('500').toString(), minLockSeconds: TEN_YEARS }), /^payee$/);
      });

      it('pays an honest quote, authorising the node for exactly this job', async function () {
        const w = await wallet();
        const client = clientFor(w);
        const started = await client.startJob(job());
        await waitForJob(client, started.jobId, 200);
        client.close();
        const escrow = new Contract(chain.contracts.escrow, ['function getAuthorizations(address token, address payer, address payee) view returns (tuple(address payee, uint256 maxLockedAmount, uint256 currentLockedAmount, uint256 maxLockSeconds, uint256 maxLockCounts, uint256 currentLocks)[])'], provider);
        const [auth] = (await escrow.getFunction('getAuthorizations')(chain.contracts.oceanToken, w.address, chain.accounts.provider.address)) as Array<{ maxLockedAmount: bigint; maxLockCounts: bigint; maxLockSeconds: bigint }>;
        assert.equal(auth!.maxLockedAmount, parseEther('1'), 'one job\'s price, not five');
        assert.equal(auth!.maxLockCounts, 1n);
        assert.equal(auth!.maxLockSeconds, 3660n);
      });
    } else {
      const fee = (answer: Quote, index = 0): Quote => ((answer.datasets as Quote[])[index]!.providerFee as Quote);
      const withFee = (change: Quote) => (answer: Quote): Quote => {
        const datasets = (answer.datasets as Quote[]).map((item, i) => (i === 0 ? { ...item, providerFee: { ...fee(answer), ...change } } : item));
        return { ...answer, datasets };
      };

      it('refuses a provider fee above priceMin for the duration', async function () {
        const details = await refused(withFee({ providerFeeAmount: parseEther('100').toString() }), /providerFeeAmount$/);
        assert.equal(details.expected, '0.5', '0.5 OCEAN per minute, 60 s');
        assert.equal(details.got, '100.0');
      });

      it('refuses a provider fee paid to someone else, or in another token', async function () {
        await refused(withFee({ providerFeeAddress: ATTACKER }), /providerFeeAddress$/);
        await refused(withFee({ providerFeeToken: chain.assets.statistics.datatokenAddress }), /providerFeeToken$/);
      });

      it('refuses an order on a datatoken other than the DDO\'s', async function () {
        await refused((answer) => ({ ...answer, datasets: (answer.datasets as Quote[]).map((item) => ({ ...item, datatoken: ATTACKER })) }), /datatoken$/);
      });

      it('pays an honest quote', async function () {
        const w = await wallet();
        const before = await tokenBalance(provider, chain.contracts.oceanToken, w.address);
        const client = clientFor(w);
        const started = await client.startJob(job());
        await waitForJob(client, started.jobId, 200);
        client.close();
        const spent = before - (await tokenBalance(provider, chain.contracts.oceanToken, w.address));
        assert.ok(spent > 0n && spent <= parseEther('0.5'), `the provider fee, at most 0.5 OCEAN (spent ${spent})`);
      });
    }
  });
}
