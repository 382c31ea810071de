import { listedEnvironment } from '../helpers/listed-environment';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Contract, Interface, JsonRpcProvider, Wallet, formatEther, type Wallet as WalletType } from 'ethers';
import { DEFAULT_ENVIRONMENTS, NODE_CONTAINER, datasetAsset, startChainSandbox, type ChainSandbox } from '../../sandbox';
import { connectWallet, escrowAuthorize, escrowDeposit, escrowFunds, startAnvil, startOrder, tokenBalance, type BootstrappedChain, type ProviderFee } from '../../sandbox/chain';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { ERC20_ABI, ESCROW_ABI } from '../../src/ocean/payment/abi';
import type { BudgetRule } from '../../src/ocean/payment/budget';
import { sharedChain } from '../helpers/chain';
import { failure } from '../helpers/failure';
import { fundedWallet } from '../helpers/funded-wallet';
import { waitForJob } from '../helpers/jobs';
import { startHostileProxy } from '../helpers/hostile-proxy';
import { call, pollUntil } from '../helpers/payments';

const OCEAN = 10n ** 18n;
const ESCROW = new Interface(ESCROW_ABI);
const RAW = { meta: { container: NODE_CONTAINER, rawcode: 'console.log(1)' } };

/**
 * What a wallet sees of its escrow on Ocean Node, on the local chain with the real contracts:
 * withdrawals to the wei, the account view, what a refused or unanswered start leaves behind, and
 * the errors (exact code and text) of inputs, tokens and chains that cannot be paid in.
 */
describe('the escrow as a wallet sees it (Ocean Node, local chain)', function () {
  this.timeout(60_000);
  let chain: BootstrappedChain;
  let setup: ChainSandbox;
  let provider: JsonRpcProvider;
  let environment: string;
  let payee: string;

  before(async function () {
    chain = await sharedChain();
    setup = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0 });
    provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const standard = await listedEnvironment(setup.sandbox.url, chain.chainId);
    environment = standard.id;
    payee = standard.consumerAddress!;
  });

  after(async function () {
    provider.destroy();
    await setup.sandbox.close();
  });

  const ocean = (): string => chain.contracts.oceanToken;
  const nonce = (wallet: WalletType): Promise<number> => provider.getTransactionCount(wallet.address);
  const inWallet = (wallet: WalletType): Promise<bigint> => tokenBalance(provider, ocean(), wallet.address);
  const datatokenSymbol = async (token: string): Promise<string> => String(await new Contract(token, ERC20_ABI, provider).getFunction('symbol')());
  const funds = (wallet: WalletType) => escrowFunds(provider, chain.contracts.escrow, wallet.address, ocean(), payee);
  /** An algorithm that outlives any test: its job holds its lock until it is stopped, however slow the machine. */
  const RUNS_UNTIL_STOPPED = 'setTimeout(() => {}, 120000)';
  const paid = (extra: Partial<StartJobRequest> = {}): StartJobRequest => ({ environment, free: false, maxJobDuration: 60, datasets: [], algorithm: RAW, ...extra });

  function clientFor(wallet: WalletType, extra: Partial<ConstructorParameters<typeof OceanClient>[0]> = {}): OceanClient {
    return new OceanClient({
      providerUrl: setup.sandbox.url,
      chainId: chain.chainId,
      rpcUrl: chain.rpcUrl,
      privateKey: wallet.privateKey,
      payment: { escrow: { escrowAddress: chain.contracts.escrow } },
      ...extra,
    });
  }

  /** A wallet with `deposited` OCEAN in the escrow and `kept` more in hand (whole OCEAN together). */
  async function depositor(deposited: bigint, kept = 0n): Promise<WalletType> {
    const wallet = await fundedWallet(chain, { ocean: Number((deposited + kept) / OCEAN) || 1 });
    if (deposited > 0n) await escrowDeposit(connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId), chain.contracts.escrow, ocean(), deposited);
    return wallet;
  }

  describe('the account view', function () {
    it('shows each token once, with what the wallet and the escrow hold, to the last digit', async function () {
      const wallet = await depositor((3n * OCEAN) / 2n, (5n * OCEAN) / 2n);
      const client = clientFor(wallet, {
        budget: {
          rules: [
            { field: 'budgets[0]', token: ocean().toLowerCase(), limit: '10', windowSeconds: 3600, period: '1h' },
            { field: 'budgets[1]', token: '*', perJob: '1' },
          ] satisfies BudgetRule[],
        },
      });
      const view = await client.account();
      assert.equal(view.address, wallet.address);
      assert.equal(view.chainId, chain.chainId);
      assert.equal(view.native, formatEther(await provider.getBalance(wallet.address)), 'the gas coin left after the deposit');
      // The fee token, the budget's token (lower case) and the escrow's token are one token.
      assert.deepEqual(view.tokens, [{ token: ocean(), symbol: 'OCEAN', decimals: 18, balance: '2.5', escrow: { available: '1.5', locked: '0.0' } }]);
      assert.deepEqual(view.budgets.map((b) => [b.field, b.kind, b.max]), [['budgets[0]', 'window', '10']], 'the catch-all rule is for other tokens');
      // A token that is only in the escrow shows too.
      const datatoken = chain.assets.dataset.datatokenAddress;
      const holder = await fundedWallet(chain, { datatokens: { [datatoken]: 3 } });
      await escrowDeposit(connectWallet(chain.rpcUrl, holder.privateKey, chain.chainId), chain.contracts.escrow, datatoken, 2n * OCEAN);
      const other = clientFor(holder);
      const held = await other.account();
      assert.deepEqual(held.tokens.find((t) => t.token === datatoken), { token: datatoken, symbol: await datatokenSymbol(datatoken), decimals: 18, balance: '1.0', escrow: { available: '2.0', locked: '0.0' } });
      assert.deepEqual(held.tokens.map((t) => t.token), [ocean(), datatoken]);
      other.close();
      client.close();
    });
  });

  describe('quotes', function () {
    it('a dataset passed with its order, still valid: the quote says the order is reused, and counts only the escrow', async function () {
      const wallet = await fundedWallet(chain, { ocean: 2, datatokens: { [chain.assets.dataset.datatokenAddress]: 1 } });
      const initialized = await call(setup.sandbox.url, 'POST', '/api/services/initializeCompute', {
        environment,
        payment: { chainId: chain.chainId, token: ocean(), resources: [{ id: 'cpu', amount: 1 }] },
        maxJobDuration: 60,
        consumerAddress: wallet.address,
        datasets: [{ documentId: setup.assets.dataset, serviceId: 'dataset-compute' }],
        algorithm: RAW,
      });
      const fee = (initialized.json as { datasets: Array<{ providerFee: ProviderFee }> }).datasets[0]!.providerFee;
      const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
      const tx = await startOrder(payer, { datatoken: chain.assets.dataset.datatokenAddress, consumer: payee, serviceIndex: 0, providerFee: fee });
      payer.provider?.destroy();
      const client = clientFor(wallet);
      const quote = await client.quoteJob(paid({ datasets: [{ did: setup.assets.dataset, transferTxId: tx }] }));
      assert.deepEqual(quote, {
        free: false,
        environment,
        cost: 1,
        token: ocean(),
        costs: [{ token: ocean(), symbol: 'OCEAN', decimals: 18, amount: '1.0', raw: OCEAN.toString() }],
        orders: [{ field: 'datasets[0]', did: setup.assets.dataset, serviceId: 'dataset-compute', action: 'reuse', validOrder: tx }],
        escrow: { token: ocean(), amount: '1.0', raw: OCEAN.toString(), lockSeconds: 3660, payee },
        budget: { allowed: true },
      });
      client.close();
    });

    it('a dataset the node asks nothing for: shown as given, with nothing to pay for it', async function () {
      const wallet = await depositor(0n, 2n * OCEAN);
      const client = clientFor(wallet);
      const payment = { escrowAddress: chain.contracts.escrow, payee, chainId: chain.chainId, token: ocean(), amount: OCEAN.toString(), minLockSeconds: 3660 };
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify({ datasets: [], algorithm: { validOrder: false }, payment }) });
      const quote = await client.quoteJob(paid({ datasets: [{ did: setup.assets.dataset }] }));
      assert.deepEqual(quote.orders, [{ field: 'datasets[0]', did: setup.assets.dataset, serviceId: 'dataset-compute', action: 'given' }]);
      assert.deepEqual(quote.costs.map((c) => [c.token, c.raw]), [[ocean(), OCEAN.toString()]]);
      // Passed with an order of its own that the node does not mention: given too.
      const own = `0x${'56'.repeat(32)}`;
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify({ datasets: [], algorithm: { validOrder: false }, payment }) });
      const passed = await client.quoteJob(paid({ datasets: [{ did: setup.assets.dataset, transferTxId: own }] }));
      assert.deepEqual(passed.orders, [{ field: 'datasets[0]', did: setup.assets.dataset, serviceId: 'dataset-compute', action: 'given' }]);
      // A start orders nothing for it, pays the escrow, and the node (which does want an order) refuses.
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify({ datasets: [], algorithm: { validOrder: false }, payment }) });
      const sent = await nonce(wallet);
      const error = await failure(client.startJob(paid({ datasets: [{ did: setup.assets.dataset }] })));
      assert.equal(error.code, 'ORDER_INVALID');
      assert.equal(await nonce(wallet), sent + 3, 'approve, deposit, authorize: no order');
      client.close();
    });

    it('an Ocean Node provider fee is bounded by the job\'s escrow price, and counted with it', async function () {
      const wallet = await depositor(0n);
      const client = clientFor(wallet);
      const twoCpus: Partial<StartJobRequest> = { datasets: [{ did: setup.assets.dataset }], resources: [{ id: 'cpu', amount: 2 }] };
      const payment = { escrowAddress: chain.contracts.escrow, payee, chainId: chain.chainId, token: ocean(), amount: (2n * OCEAN).toString(), minLockSeconds: 3660 };
      const fee = { providerFeeAddress: payee, providerFeeToken: ocean(), providerFeeAmount: (2n * OCEAN).toString(), providerData: '0x', v: 27, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, validUntil: 0 };
      const answer = (amount: bigint): string => JSON.stringify({ datasets: [{ datatoken: chain.assets.dataset.datatokenAddress, providerFee: { ...fee, providerFeeAmount: amount.toString() } }], algorithm: { validOrder: false }, payment });
      // Two CPUs for a minute: 2 OCEAN in escrow, and a provider fee of as much is within the price.
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: answer(2n * OCEAN) });
      const quote = await client.quoteJob(paid(twoCpus));
      assert.deepEqual(quote.costs.map((c) => [c.token, c.raw]), [[chain.assets.dataset.datatokenAddress, OCEAN.toString()], [ocean(), (4n * OCEAN).toString()]]);
      assert.equal(quote.cost, 4);
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: answer(3n * OCEAN) });
      const over = await failure(client.quoteJob(paid(twoCpus)));
      assert.equal(over.message, "Nothing was paid: the backend's price quote was refused, because its provider fees come to 3.0 where the environment's price makes 2.0");
      client.close();
    });

    it('an order a start in flight uses is shared on Ocean Node: runs do not hold orders there', async function () {
      const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [chain.assets.dataset.datatokenAddress]: 1 } });
      const client = clientFor(wallet);
      await waitForJob(client, (await client.startJob(paid({ datasets: [{ did: setup.assets.dataset }] }))).jobId, 200);
      const starts = (): number => setup.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/services/compute').length;
      const before = starts();
      setup.sandbox.fail({ method: 'POST', path: '/api/services/compute', status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'held for the test' }), delayMs: 4000 });
      const inFlight = client.startJob(paid({ datasets: [{ did: setup.assets.dataset }] })).catch((error: unknown) => error);
      await pollUntil(async () => starts(), (n) => n > before, 'the start reaching the node');
      const meanwhile = await client.quoteJob(paid({ datasets: [{ did: setup.assets.dataset }] }));
      assert.equal(meanwhile.orders[0]!.action, 'reuse', 'the order the start in flight uses is offered all the same');
      assert.equal(((await inFlight) as { code?: string }).code, 'REQUEST_REJECTED');
      client.close();
    });

    it('a lock longer than the job and an hour to claim is refused; a connection may allow a longer claim', async function () {
      const wallet = await depositor(0n);
      const lockedFor = (seconds: number): string =>
        JSON.stringify({ datasets: [], algorithm: { validOrder: false }, payment: { escrowAddress: chain.contracts.escrow, payee, chainId: chain.chainId, token: ocean(), amount: OCEAN.toString(), minLockSeconds: seconds } });
      const client = clientFor(wallet);
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: lockedFor(3661) });
      const error = await failure(client.quoteJob(paid()));
      assert.equal(error.message, "Nothing was paid: the backend's price quote was refused, because it wants funds locked for 3661 s, more than the job's duration plus 3600 s to claim (3660 s)");
      client.close();
      const patient = clientFor(wallet, { payment: { escrow: { escrowAddress: chain.contracts.escrow, claimSeconds: 7200 } } });
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: lockedFor(7260) });
      assert.equal((await patient.quoteJob(paid())).escrow?.lockSeconds, 7260);
      patient.close();
    });

    it('a free job, even on a published dataset: nothing to quote or pay, whatever the budget', async function () {
      const wallet = await depositor(0n);
      const client = clientFor(wallet, { budget: { rules: [{ field: 'budgets[0]', token: '*', perJob: '0' }] } });
      const free: StartJobRequest = { environment, free: true, datasets: [{ did: setup.assets.dataset }], algorithm: RAW };
      const quote = await client.quoteJob(free);
      assert.deepEqual(quote, { free: true, environment, cost: 0, costs: [], orders: [], budget: { allowed: true } });
      const sent = await nonce(wallet);
      await waitForJob(client, (await client.startJob(free)).jobId, 200);
      assert.equal(await nonce(wallet), sent, 'and its start pays nothing');
      client.close();
    });

    it('a paid job over the budget: the quote says so, with the refusal, and pays nothing', async function () {
      const wallet = await depositor(0n, 2n * OCEAN);
      const client = clientFor(wallet, { budget: { rules: [{ field: 'budgets[0]', token: ocean(), perJob: '0.5' }] } });
      const sent = await nonce(wallet);
      const quote = await client.quoteJob(paid());
      assert.equal(quote.budget.allowed, false);
      assert.equal(quote.budget.refusal?.code, 'PAYMENT_LIMIT');
      assert.equal(quote.cost, 1);
      assert.equal(await nonce(wallet), sent);
      client.close();
    });
  });

  describe('withdrawals', function () {
    it('withdraws the amount asked, then all that is left, then nothing: exact amounts, one withdraw call each', async function () {
      const wallet = await depositor(3n * OCEAN, 2n * OCEAN);
      const client = clientFor(wallet);
      const before = await inWallet(wallet);
      const sent = await nonce(wallet);

      const part = await client.withdrawEscrow(ocean(), '1.25');
      assert.match(String(part.tx), /^0x[0-9a-f]{64}$/);
      assert.deepEqual(part, { token: ocean(), amount: '1.25', tx: part.tx, escrow: { available: '1.75', locked: '0.0' } });
      const call = await provider.getTransaction(part.tx!);
      assert.equal(call?.to, chain.contracts.escrow);
      assert.equal(call?.data, ESCROW.encodeFunctionData('withdraw', [[ocean()], [(125n * OCEAN) / 100n]]));
      assert.equal((await inWallet(wallet)) - before, (125n * OCEAN) / 100n);

      const rest = await client.withdrawEscrow(ocean());
      assert.deepEqual(rest, { token: ocean(), amount: '1.75', tx: rest.tx, escrow: { available: '0.0', locked: '0.0' } });
      assert.equal((await provider.getTransaction(rest.tx!))?.data, ESCROW.encodeFunctionData('withdraw', [[ocean()], [(175n * OCEAN) / 100n]]));
      assert.equal((await inWallet(wallet)) - before, 3n * OCEAN);
      assert.equal(await nonce(wallet), sent + 2, 'one transaction per withdrawal');

      const nothing = await client.withdrawEscrow(ocean());
      assert.deepEqual(nothing, { token: ocean(), amount: '0', escrow: { available: '0.0', locked: '0.0' } });
      assert.equal(await nonce(wallet), sent + 2, 'nothing to withdraw: no transaction');
      client.close();
    });

    it('asking more than is available: INSUFFICIENT_FUNDS with what is available and locked, and no transaction', async function () {
      const wallet = await depositor(OCEAN / 2n);
      const client = clientFor(wallet);
      const sent = await nonce(wallet);
      const error = await failure(client.withdrawEscrow(ocean(), '10.6'));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      assert.equal(error.message, `Could not withdraw 10.6 of token ${ocean()}: the escrow holds 0.5 available for wallet ${wallet.address}; 0.0 is locked for jobs`);
      assert.deepEqual(error.details, { field: 'amount', needed: '10.6', available: '0.5', locked: '0.0', token: ocean() });
      assert.equal(await nonce(wallet), sent);
      // Exactly what is available is fine.
      assert.equal((await client.withdrawEscrow(ocean(), '0.5')).amount, '0.5');
      client.close();
    });

    it('a token that is no address, an amount that is no amount, a chain without a known Escrow: refused before the chain is asked', async function () {
      const wallet = await depositor(0n);
      const client = clientFor(wallet);
      const token = await failure(client.withdrawEscrow('OCEAN'));
      assert.equal(token.code, 'INVALID_INPUT');
      assert.equal(token.message, 'token: expected the 0x address of a token the escrow holds, got "OCEAN"');
      assert.deepEqual(token.details, { field: 'token' });
      for (const amount of ['1,5', '-1', '.5', '1e3', '2.']) {
        const error = await failure(client.withdrawEscrow(ocean(), amount));
        assert.equal(error.code, 'INVALID_INPUT', amount);
        assert.equal(error.message, `amount: expected an amount of tokens such as 5 or 0.5, or nothing for all that is available, got "${amount}"`);
        assert.deepEqual(error.details, { field: 'amount' });
      }
      client.close();
      const unknown = clientFor(wallet, { payment: {} });
      const escrow = await failure(unknown.withdrawEscrow(ocean(), '1'));
      assert.equal(escrow.code, 'INVALID_CONFIG');
      assert.equal(escrow.message, `escrowAddress: no Escrow contract is known for chain ${chain.chainId}; set it in the connection`);
      assert.deepEqual(escrow.details, { field: 'escrowAddress' });
      unknown.close();
    });

    it('a wallet without gas: INSUFFICIENT_FUNDS saying the chain\'s coin is missing, and the funds stay', async function () {
      const wallet = await depositor(OCEAN);
      await provider.send('anvil_setBalance', [wallet.address, '0x0']);
      const client = clientFor(wallet);
      const error = await failure(client.withdrawEscrow(ocean(), '1'));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      assert.equal(error.message, `Could not withdraw 1.0 of token ${ocean()} from the escrow: the wallet has not enough of the chain's native coin to pay for gas`);
      assert.equal((await funds(wallet)).available, OCEAN);
      client.close();
    });

    it('a nonce used meanwhile by another program with the same key: the withdrawal is sent again with the next nonce', async function () {
      const wallet = await depositor(2n * OCEAN);
      const client = clientFor(wallet);
      await client.withdrawEscrow(ocean(), '1');
      // Elsewhere, the same key sends two transactions: the client's next two nonces are taken.
      const elsewhere = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
      await (await elsewhere.sendTransaction({ to: wallet.address, value: 0n })).wait();
      await (await elsewhere.sendTransaction({ to: wallet.address, value: 0n })).wait();
      elsewhere.provider?.destroy();
      const sent = await nonce(wallet);
      const second = await client.withdrawEscrow(ocean(), '1');
      assert.equal((await provider.getTransaction(second.tx!))?.nonce, sent, 'sent with the chain\'s next nonce');
      assert.deepEqual(second.escrow, { available: '0.0', locked: '0.0' });
      client.close();
    });
  });
  describe('tokens, chains and environments that cannot be paid in', function () {
    /** A contract at a fresh address that answers every call with `value` as one 32-byte word. */
    async function answering(address: string, value: number): Promise<void> {
      const push = value.toString(16).padStart(2, '0');
      await provider.send('anvil_setCode', [address, `0x60${push}60005260206000f3`]);
    }

    it('a token claiming more than 36 decimals is refused; asked again once it claims 36, it is read anew', async function () {
      const wallet = await depositor(0n);
      const client = clientFor(wallet);
      const token = Wallet.createRandom().address;
      await answering(token, 37);
      const refused = await failure(client.withdrawEscrow(token, '1'));
      assert.equal(refused.code, 'PAYMENT_REFUSED');
      assert.equal(refused.message, `Token ${token} claims 37 decimals; nothing is paid in it`);
      assert.deepEqual(refused.details, { field: 'token', got: token });
      await answering(token, 36);
      const error = await failure(client.withdrawEscrow(token, '1'));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS', 'past the decimals, to the escrow');
      assert.equal(error.details?.needed, '1.0');
      assert.equal(error.message, `Could not withdraw 1.0 of token ${token}: the escrow holds 0.0 available for wallet ${wallet.address}; 0.0 is locked for jobs`);
      client.close();
    });

    /** A contract that answers every call with the ABI encoding of the string `text` (so its first word, 32, is read as decimals). */
    async function answeringText(address: string, text: string): Promise<void> {
      const words = Math.ceil(text.length / 32);
      const data = Buffer.from(text.padEnd(words * 32, '\0')).toString('hex');
      let code = '602060005260' + text.length.toString(16).padStart(2, '0') + '602052';
      for (let w = 0; w < words; w++) code += `7f${data.slice(w * 64, w * 64 + 64)}60${(0x40 + w * 32).toString(16)}52`;
      code += `60${(0x40 + words * 32).toString(16)}6000f3`;
      await provider.send('anvil_setCode', [address, `0x${code}`]);
    }

    it('a token\'s symbol is read once, and shown up to 32 characters; a longer one is not', async function () {
      const wallet = await depositor(0n);
      const [short, long] = [Wallet.createRandom().address, Wallet.createRandom().address];
      await answeringText(short, 'S'.repeat(32));
      await answeringText(long, 'L'.repeat(33));
      const client = clientFor(wallet, { budget: { rules: [short, long].map((token, i) => ({ field: `budgets[${i}]`, token, perJob: '1' })) } });
      const view = await client.account();
      assert.deepEqual(view.tokens.find((t) => t.token === short)?.symbol, 'S'.repeat(32));
      const shown = view.tokens.find((t) => t.token === long);
      assert.equal(shown?.decimals, 32);
      assert.equal('symbol' in (shown ?? {}), false);
      // Read once: a contract that changes its symbol later is shown as first read.
      await answeringText(short, 'T'.repeat(32));
      assert.equal((await client.account()).tokens.find((t) => t.token === short)?.symbol, 'S'.repeat(32));
      client.close();
    });

    it('a token\'s decimals are read once; 0 decimals is a token too', async function () {
      const wallet = await depositor(0n);
      const token = Wallet.createRandom().address;
      await answeringText(token, 'x');
      const client = clientFor(wallet, { budget: { rules: [{ field: 'budgets[0]', token, perJob: '1' }] } });
      assert.equal((await client.account()).tokens.find((t) => t.token === token)?.decimals, 32);
      await answering(token, 0);
      const again = (await client.account()).tokens.find((t) => t.token === token);
      assert.deepEqual([again?.decimals, again?.balance], [32, '0.0'], 'the decimals as first read; the balance read anew');
      client.close();
      const fresh = clientFor(wallet);
      const error = await failure(fresh.withdrawEscrow(token, '1'));
      assert.deepEqual([error.code, error.details?.needed], ['INSUFFICIENT_FUNDS', '1'], 'read anew by another connection: 0 decimals, whole tokens');
      fresh.close();
    });

    it('a token without a symbol shows without one, with its own decimals', async function () {
      const wallet = await depositor(0n);
      const token = Wallet.createRandom().address;
      await answering(token, 6);
      const client = clientFor(wallet, { budget: { rules: [{ field: 'budgets[0]', token, perJob: '1' }] } });
      const view = await client.account();
      // The contract answers 6 to every call: 6 decimals, a balance of 6 base units, no string for a symbol; the escrow holds none of it.
      assert.deepEqual(view.tokens.find((t) => t.token === token), { token, decimals: 6, balance: '0.000006', escrow: { available: '0.0', locked: '0.0' } });
      client.close();
    });

    it('an RPC serving another chain: WRONG_CHAIN naming both chains, before anything is read', async function () {
      const other = await startAnvil({ chainId: 1337 });
      const wallet = await depositor(0n);
      const client = clientFor(wallet, { rpcUrl: other.rpcUrl });
      try {
        const error = await failure(client.withdrawEscrow(ocean(), '1'));
        assert.equal(error.code, 'WRONG_CHAIN');
        assert.equal(error.message, `rpcUrl: ${other.rpcUrl} serves chain 1337, but the connection is set to chain ${chain.chainId}`);
        assert.deepEqual(error.details, { field: 'rpcUrl', expected: chain.chainId, found: 1337 });
      } finally {
        client.close();
        await other.close();
      }
    });

    it('an RPC that did not answer is asked again by the next call, and then serves it', async function () {
      const wallet = await depositor(OCEAN);
      const port = new URL(chain.rpcUrl).port;
      const sockets = new Set<Socket>();
      const relay = createServer((socket) => {
        const upstream = connect(Number(port), '127.0.0.1');
        sockets.add(socket).add(upstream);
        socket.pipe(upstream).pipe(socket);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const relayPort = (relay.address() as AddressInfo).port;
      await new Promise((resolve) => relay.close(resolve));
      const client = clientFor(wallet, { rpcUrl: `http://127.0.0.1:${relayPort}` });
      const down = await failure(client.withdrawEscrow(ocean(), '1'));
      assert.equal(down.code, 'UNREACHABLE');
      assert.equal(down.message, `Cannot reach the RPC at http://127.0.0.1:${relayPort}: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${relayPort}. Check rpcUrl in the connection.`);
      assert.deepEqual(down.details, { field: 'rpcUrl' });
      await new Promise<void>((resolve) => relay.listen(relayPort, '127.0.0.1', resolve));
      try {
        assert.equal((await client.withdrawEscrow(ocean(), '1')).amount, '1.0');
      } finally {
        client.close();
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => relay.close(resolve));
      }
    });

    it('a DDO of another chain: WRONG_CHAIN, before any quote is asked; one that names no chain is quoted', async function () {
      const wallet = await depositor(0n);
      const elsewhere = datasetAsset({ name: 'elsewhere', chainId: 1, serviceEndpoint: setup.sandbox.url, nftAddress: chain.assets.dataset.nftAddress, datatokenAddress: chain.assets.dataset.datatokenAddress, files: [{ content: 'x' }] });
      setup.sandbox.context.ddos.add(elsewhere);
      const did = String(elsewhere.ddo.id);
      const client = clientFor(wallet);
      const error = await failure(client.quoteJob(paid({ datasets: [{ did }] })));
      assert.equal(error.code, 'WRONG_CHAIN');
      assert.equal(error.message, `datasets[0] (${did}) lives on chain 1, but the connection is set to chain ${chain.chainId}`);
      assert.deepEqual(error.details, { expected: chain.chainId, found: 1 });
      // A DDO that names no chain is taken as the connection's.
      const unnamed = datasetAsset({ name: 'no chain named', chainId: chain.chainId, serviceEndpoint: setup.sandbox.url, nftAddress: chain.assets.dataset.nftAddress, datatokenAddress: chain.assets.dataset.datatokenAddress, files: [{ content: 'x' }] });
      delete unnamed.ddo.chainId;
      setup.sandbox.context.ddos.add(unnamed);
      const quote = await client.quoteJob(paid({ datasets: [{ did: String(unnamed.ddo.id) }] }));
      assert.equal(quote.orders[0]?.field, 'datasets[0]');
      client.close();
    });

    it('an environment the node does not list: INVALID_INPUT naming it, the node and the chain', async function () {
      const wallet = await depositor(0n);
      const client = clientFor(wallet);
      const error = await failure(client.quoteJob(paid({ environment: 'no-such-environment' })));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.equal(error.message, `environment: ${setup.sandbox.url} has no compute environment "no-such-environment" on chain ${chain.chainId}`);
      assert.deepEqual(error.details, { field: 'environment' });
      client.close();
    });

    it('an environment that names no fee token: REQUEST_REJECTED naming it and the chain', async function () {
      const feeless = await startChainSandbox('ocean-node', chain, { rateLimitPerMinute: 0, environments: [{ ...DEFAULT_ENVIRONMENTS[0]!, feeToken: '' }] });
      try {
        const wallet = await depositor(0n);
        const client = clientFor(wallet, { providerUrl: feeless.sandbox.url });
        const [env] = await client.environments();
        const error = await failure(client.quoteJob(paid({ environment: env!.id })));
        assert.equal(error.code, 'REQUEST_REJECTED');
        assert.equal(error.message, `Environment ${env!.id} takes no payment on chain ${chain.chainId}`);
        client.close();
      } finally {
        await feeless.sandbox.close();
      }
    });

    it('an initialize answer without an escrow quote for a paid job: BAD_RESPONSE, and nothing is sent', async function () {
      const wallet = await depositor(0n);
      const client = clientFor(wallet);
      const sent = await nonce(wallet);
      setup.sandbox.fail({ method: 'POST', path: '/api/services/initializeCompute', status: 200, contentType: 'application/json', body: JSON.stringify({ datasets: [], algorithm: { validOrder: false } }) });
      const error = await failure(client.startJob(paid()));
      assert.equal(error.code, 'BAD_RESPONSE');
      assert.equal(error.message, 'The Ocean Node gave no escrow quote (payment) for a paid job');
      assert.equal(await nonce(wallet), sent);
      client.close();
    });
  });
  describe('making the escrow ready', function () {
    it('more than the connection may deposit: PAYMENT_LIMIT with the shortfall and the limit; a wei too little OCEAN: INSUFFICIENT_FUNDS with the balance, nothing sent; exactly enough: deposited', async function () {
      const rich = await depositor((3n * OCEAN) / 10n, 5n * OCEAN - (3n * OCEAN) / 10n);
      const limited = clientFor(rich, { payment: { escrow: { escrowAddress: chain.contracts.escrow, maxDeposit: (7n * OCEAN) / 10n - 1n } } });
      const sent = await nonce(rich);
      const limit = await failure(limited.startJob(paid()));
      assert.equal(limit.code, 'PAYMENT_LIMIT');
      assert.equal(limit.message, 'The job costs 1.0; the escrow lacks 0.7, more than the 0.699999999999999999 the connection may deposit per job');
      assert.deepEqual(limit.details, { needed: '0.7', limit: '0.699999999999999999', token: ocean() });
      assert.equal(await nonce(rich), sent);
      limited.close();

      const poor = await depositor((3n * OCEAN) / 10n);
      // The wallet keeps 0.7 OCEAN less one wei: one wei short of the shortfall.
      const payer = connectWallet(chain.rpcUrl, poor.privateKey, chain.chainId);
      const spare = (await inWallet(poor)) - ((7n * OCEAN) / 10n - 1n);
      await (await new Contract(ocean(), ['function transfer(address to, uint256 amount) returns (bool)'], payer).getFunction('transfer')(payee, spare)).wait();
      payer.provider?.destroy();
      const client = clientFor(poor);
      const before = await nonce(poor);
      const error = await failure(client.startJob(paid()));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      assert.equal(error.message, `The job needs 0.7 more of token ${ocean()} in the escrow; wallet ${poor.address} holds 0.699999999999999999`);
      assert.deepEqual(error.details, { needed: '0.7', available: '0.699999999999999999', token: ocean() });
      assert.equal(await nonce(poor), before);
      // One wei more, and the wallet holds exactly the shortfall: it is deposited, to the last wei.
      const deployer = connectWallet(chain.rpcUrl, chain.accounts.deployer.privateKey, chain.chainId);
      await (await new Contract(ocean(), ['function mint(address account, uint256 amount)'], deployer).getFunction('mint')(poor.address, 1n)).wait();
      deployer.provider?.destroy();
      const job = await client.startJob(paid());
      assert.equal(await inWallet(poor), 0n);
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('a deposit already allowed to the escrow is not approved again; the shortfall to the wei is deposited', async function () {
      const wallet = await depositor(0n, 5n * OCEAN);
      const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
      await (await new Contract(ocean(), ERC20_ABI, payer).getFunction('approve')(chain.contracts.escrow, OCEAN)).wait();
      payer.provider?.destroy();
      const client = clientFor(wallet);
      const sent = await nonce(wallet);
      const before = await inWallet(wallet);
      const job = await client.startJob(paid());
      assert.equal(await nonce(wallet), sent + 2, 'deposit and authorize: the allowance of exactly the price was enough');
      assert.equal(before - (await inWallet(wallet)), OCEAN);
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('an authorisation with locks to spare but no amount left beside a running job\'s lock is raised by the job\'s price', async function () {
      const wallet = await depositor(2n * OCEAN, OCEAN);
      const payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
      await escrowAuthorize(payer, chain.contracts.escrow, { token: ocean(), payee, maxLockedAmount: OCEAN, maxLockSeconds: 3660n, maxLockCounts: 2n });
      payer.provider?.destroy();
      const client = clientFor(wallet);
      const sent = await nonce(wallet);
      const slow = paid({ algorithm: { meta: { ...RAW.meta, rawcode: RUNS_UNTIL_STOPPED } } });
      const first = await client.startJob(slow);
      assert.equal(await nonce(wallet), sent, 'the first job fits the authorisation');
      const second = await client.startJob(paid());
      assert.equal(await nonce(wallet), sent + 1, 'one authorize for the second');
      const auth = (await funds(wallet)).authorization;
      assert.deepEqual([auth?.maxLockedAmount, auth?.maxLockSeconds, auth?.maxLockCounts], [2n * OCEAN, 3660n, 2n]);
      await client.stopJob(first.jobId);
      for (const job of [first, second]) await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('a wallet without gas: each escrow step says what it could not do', async function () {
      const gasless = async (wallet: WalletType): Promise<void> => {
        await provider.send('anvil_setBalance', [wallet.address, '0x0']);
      };
      const noGas = "the wallet has not enough of the chain's native coin to pay for gas";
      // Nothing in the escrow yet: the allowance for the deposit comes first.
      const fresh = await depositor(0n, 2n * OCEAN);
      await gasless(fresh);
      const first = clientFor(fresh);
      assert.equal((await failure(first.startJob(paid()))).message, `Could not allow the escrow deposit: ${noGas}`);
      first.close();
      // Allowed already: the deposit itself.
      const allowed = await depositor(0n, 2n * OCEAN);
      const payer = connectWallet(chain.rpcUrl, allowed.privateKey, chain.chainId);
      await (await new Contract(ocean(), ERC20_ABI, payer).getFunction('approve')(chain.contracts.escrow, OCEAN)).wait();
      payer.provider?.destroy();
      await gasless(allowed);
      const second = clientFor(allowed);
      assert.equal((await failure(second.startJob(paid()))).message, `Could not deposit into the escrow: ${noGas}`);
      second.close();
      // Deposited already: the authorisation.
      const deposited = await depositor(OCEAN, OCEAN);
      await gasless(deposited);
      const third = clientFor(deposited);
      const error = await failure(third.startJob(paid()));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      assert.equal(error.message, `Could not authorise the node ${payee} to lock the job's payment: ${noGas}`);
      third.close();
    });

    it('two starts at once: each counts on its own price, so both are deposited and the node locks both', async function () {
      const wallet = await depositor(0n, 5n * OCEAN);
      const client = clientFor(wallet);
      const before = await inWallet(wallet);
      const slow = (): StartJobRequest => paid({ algorithm: { meta: { ...RAW.meta, rawcode: RUNS_UNTIL_STOPPED } } });
      const jobs = await Promise.all([client.startJob(slow()), client.startJob(slow())]);
      // Whether the second start saw the first one's lock yet is a race: it deposits one price, or
      // (counting the first twice while its answer is on the way) two; never none.
      const deposited = before - (await inWallet(wallet));
      assert.ok(deposited === 2n * OCEAN || deposited === 3n * OCEAN, `deposited ${deposited}`);
      const escrowed = await funds(wallet);
      assert.equal(escrowed.available + escrowed.locked, deposited);
      assert.equal(escrowed.locked, 2n * OCEAN, 'the node locked both prices');
      for (const job of jobs) await client.stopJob(job.jobId);
      for (const job of jobs) await waitForJob(client, job.jobId, 200);
      client.close();
    });
  });

  describe('a start that fails after the escrow was made ready', function () {
    const budget = (): { rules: BudgetRule[] } => ({ rules: [{ field: 'budgets[0]', token: ocean(), limit: '10', windowSeconds: 3600, period: '1h' }] });
    const spent = async (client: OceanClient): Promise<string | undefined> => (await client.account()).budgets.find((b) => b.kind === 'window')?.spent;

    it('refused by the node: its hold on the escrow is let go, so the next start sends nothing; the budget counts only the start that ran', async function () {
      const wallet = await depositor(0n, 5n * OCEAN);
      const client = clientFor(wallet, { budget: budget() });
      const sent = await nonce(wallet);
      const before = await inWallet(wallet);
      setup.sandbox.fail({ method: 'POST', path: '/api/services/compute', status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'refused for the test' }) });
      const refused = await failure(client.startJob(paid()));
      assert.equal(refused.code, 'REQUEST_REJECTED');
      assert.equal(refused.message, `Could not start a compute job: ${setup.sandbox.url}/api/services/compute answered HTTP 400: refused for the test`);
      assert.equal(await nonce(wallet), sent + 3, 'approve, deposit, authorize');
      assert.equal(before - (await inWallet(wallet)), OCEAN, 'the price went into the escrow');
      assert.equal(await spent(client), '0.0', 'nothing was locked: the budget counts nothing');

      const job = await client.startJob(paid());
      assert.equal(await nonce(wallet), sent + 3, 'the deposit and the authorisation of the refused start serve this one');
      assert.equal(before - (await inWallet(wallet)), OCEAN);
      assert.equal(await spent(client), '1.0');
      await waitForJob(client, job.jobId, 200);
      client.close();
    });

    it('cancelled by the caller, or cut off on the way: its price stays counted, since the node may have locked it', async function () {
      const wallet = await depositor(0n, 5n * OCEAN);
      const client = clientFor(wallet, { budget: budget() });
      setup.sandbox.fail({ method: 'POST', path: '/api/services/compute', status: 500, body: 'late', delayMs: 3000 });
      const controller = new AbortController();
      const before = setup.sandbox.requests.length;
      const cancelled = failure(client.startJob(paid(), { signal: controller.signal }));
      await pollUntil(async () => setup.sandbox.requests.slice(before).some((r) => r.method === 'POST' && r.path === '/api/services/compute'), Boolean, 'the start reaching the node');
      controller.abort();
      assert.equal((await cancelled).code, 'ABORTED');
      assert.equal(await spent(client), '1.0');
      client.close();

      const proxy = await startHostileProxy(setup.sandbox.url);
      try {
        const cutOff = (req: IncomingMessage): void => {
          req.socket.destroy();
        };
        proxy.rewrite({ method: 'POST', path: '/api/services/compute', times: 1, respond: cutOff });
        const cut = clientFor(wallet, { providerUrl: proxy.url, budget: budget() });
        const error = await failure(cut.startJob(paid()));
        assert.equal(error.code, 'UNREACHABLE');
        assert.equal(error.details?.startUnknown, false, 'the wallet\'s jobs were checked: none started');
        assert.equal(await spent(cut), '1.0');
        cut.close();
      } finally {
        await proxy.close();
      }
    });

    it('not answered in time: its price stays counted, since the node may have locked it', async function () {
      const wallet = await depositor(0n, 5n * OCEAN);
      const client = clientFor(wallet, { budget: budget(), http: { timeoutMs: 4000 } });
      setup.sandbox.fail({ method: 'POST', path: '/api/services/compute', status: 500, body: 'late', delayMs: 5000 });
      const sent = await nonce(wallet);
      const late = await failure(client.startJob(paid()));
      assert.equal(late.code, 'TIMEOUT');
      assert.equal(late.details?.startUnknown, false, 'the wallet\'s jobs were checked: none started');
      assert.equal(await nonce(wallet), sent + 3, 'approve, deposit, authorize');
      assert.equal(await spent(client), '1.0');
      // The start has its answer: its hold on the escrow is let go, and the deposit serves the retry.
      const job = await client.startJob(paid());
      assert.equal(await nonce(wallet), sent + 3, 'nothing more deposited or authorised');
      assert.equal(await spent(client), '2.0', 'the unanswered start stays counted, and the retry too');
      await waitForJob(client, job.jobId, 200);
      client.close();
    });
  });
});
