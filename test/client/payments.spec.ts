import assert from 'node:assert/strict';
import { Contract, JsonRpcProvider, parseEther, Wallet } from 'ethers';
import { datasetAsset, startChainSandbox, type ChainSandbox, type SandboxDialect } from '../../sandbox';
import { escrowFunds, startAnvil, tokenBalance, type BootstrappedChain } from '../../sandbox/chain';
import { OceanClient, readTarFiles, readLimited, type OceanError, type StartJobRequest } from '../../src/ocean';
import { sharedChain } from '../helpers/chain';
import { failure } from '../helpers/failure';
import { fundedWallet } from '../helpers/funded-wallet';
import { waitForJob, waitUntil } from '../helpers/jobs';
import { startWireLog } from '../helpers/wire-log';


interface Stats {
  sensors: Record<string, { count: number }>;
}

for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`paid compute on the local chain (${dialect})`, function () {
    this.timeout(60_000);
    let chain: BootstrappedChain;
    let setup: ChainSandbox;
    let provider: JsonRpcProvider;
    let environment: string;

    const clientFor = (wallet: Wallet, extra: Partial<ConstructorParameters<typeof OceanClient>[0]> = {}): OceanClient =>
      new OceanClient({
        providerUrl: setup.sandbox.url,
        chainId: chain.chainId,
        rpcUrl: chain.rpcUrl,
        privateKey: wallet.privateKey,
        ...extra,
        // The local chain is no Ocean deployment: its Escrow is named, as a connection would.
        payment: { ...extra.payment, escrow: { escrowAddress: chain.contracts.escrow, ...extra.payment?.escrow } },
      });
    const paidJob = (extra: Partial<StartJobRequest> = {}): StartJobRequest => ({
      environment,
      free: false,
      maxJobDuration: 60,
      datasets: [{ did: setup.assets.dataset }],
      algorithm: { did: setup.assets.statistics },
      ...extra,
    });
    const nonce = (wallet: Wallet): Promise<number> => provider.getTransactionCount(wallet.address);
    const dt = (key: 'dataset' | 'statistics'): string => chain.assets[key].datatokenAddress;
    const balance = (token: string, wallet: Wallet): Promise<bigint> => tokenBalance(provider, token, wallet.address);
    /** Moves one algorithm datatoken from `from` to `to`, mined. */
    const sendAlgorithmDatatoken = async (from: Wallet, to: string): Promise<void> => {
      const token = new Contract(dt('statistics'), ['function transfer(address to, uint256 amount) returns (bool)'], from.connect(provider));
      await (await token.getFunction('transfer')(to, parseEther('1'))).wait();
    };

    before(async function () {
      chain = await sharedChain();
      setup = await startChainSandbox(dialect, chain, { rateLimitPerMinute: 0 });
      provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
      const probe = new OceanClient({ providerUrl: setup.sandbox.url, chainId: chain.chainId });
      environment = (await probe.pickEnvironment({ free: dialect === 'provider-v2' ? true : undefined })).id;
      probe.close();
    });

    after(async function () {
      provider.destroy();
      await setup.sandbox.close();
    });

    it('orders the published dataset and algorithm, pays, runs to the end; a second job reuses the orders', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 2, [dt('statistics')]: 2 } });
      const client = clientFor(wallet);
      const oceanBefore = await balance(chain.contracts.oceanToken, wallet);
      const job = await client.startJob(paidJob());
      const done = await waitForJob(client, job.jobId, 200);
      assert.equal(done.failed, false);
      assert.equal(await balance(dt('dataset'), wallet), parseEther('1'), 'one dataset datatoken spent');
      assert.equal(await balance(dt('statistics'), wallet), parseEther('1'), 'one algorithm datatoken spent');
      const output = done.results.find((r) => r.kind === 'output')!;
      const { stream } = await client.openResult(job.jobId, output.index);
      const text = output.filename.endsWith('.tar') ? (await readTarFiles(stream)).find((f) => f.name === 'stats.json')!.data.toString() : (await readLimited(stream, 1e6, 'stats')).toString();
      assert.equal((JSON.parse(text) as Stats).sensors['temp-1']?.count, 24);
      if (dialect === 'ocean-node') {
        // 71 "Job settling" ends the job; the node's claim of the escrow lock then moves it to 70.
        const settled = await waitUntil(client, job.jobId, (j) => j.status === 70, 200);
        assert.equal(settled.status, 70, 'the escrow payment was claimed');
        const escrowed = await escrowFunds(provider, chain.contracts.escrow, wallet.address, chain.contracts.oceanToken, chain.accounts.provider.address);
        assert.equal(escrowed.locked, 0n);
        assert.ok((await balance(chain.contracts.oceanToken, wallet)) < oceanBefore, 'OCEAN went into the escrow');
      }

      const again = await client.startJob(paidJob());
      await waitForJob(client, again.jobId, 200);
      assert.equal(await balance(dt('dataset'), wallet), parseEther('1'), 'the dataset order was reused');
      assert.equal(await balance(dt('statistics'), wallet), parseEther('1'), 'the algorithm order was reused');
      client.close();
    });

    it('eleven datasets, each ordered: each goes to the node with its own order (datasets[10] too); a failure after two were paid names both and counts both', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 12, [dt('statistics')]: 1 } });
      const wire = await startWireLog(setup.sandbox.url);
      const client = clientFor(wallet, { providerUrl: wire.url });
      try {
        const eleven = Array.from({ length: 11 }, () => ({ did: setup.assets.dataset }));
        const job = await client.startJob(paidJob({ datasets: eleven }));
        assert.equal(await balance(dt('dataset'), wallet), parseEther('1'), 'one order per dataset');
        const starts = wire.requests.filter((r) => r.method === 'POST' && /\/compute$/.test(r.path));
        assert.equal(starts.length, 1);
        const body = starts[0]!.body as { datasets?: Array<{ transferTxId?: string }>; dataset?: { transferTxId?: string }; additionalDatasets?: Array<{ transferTxId?: string }> };
        const sent = dialect === 'ocean-node' ? body.datasets! : [body.dataset!, ...body.additionalDatasets!];
        const orders = sent.map((d) => d.transferTxId ?? '');
        assert.equal(orders.length, 11);
        for (const order of orders) assert.match(order, /^0x[0-9a-f]{64}$/);
        assert.equal(new Set(orders).size, 11, 'each dataset its own order');
        await waitForJob(client, job.jobId, 200);

        // Another wallet whose one algorithm datatoken goes away: both dataset orders are paid, then the algorithm's fails.
        const short = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 2, [dt('statistics')]: 1 } });
        await sendAlgorithmDatatoken(short, chain.accounts.publisher.address);
        const datatokenBudget = { field: 'budgets[0]', token: dt('dataset'), limit: '10', windowSeconds: 3600, period: '1h' };
        const shortClient = clientFor(short, { providerUrl: wire.url, budget: { rules: [datatokenBudget] } });
        const error = await failure(shortClient.startJob(paidJob({ datasets: eleven.slice(0, 2) })));
        assert.equal(error.code, 'INSUFFICIENT_FUNDS');
        const spent = (await shortClient.account()).budgets.find((b) => b.kind === 'window')?.spent;
        shortClient.close();
        assert.equal(spent, '2.0', 'the two paid dataset orders stay counted');
        const paid = error.details?.paidOrders as Array<{ field: string; transferTxId: string }> | undefined;
        assert.deepEqual(paid?.map((p) => p.field), ['datasets[0]', 'datasets[1]']);
        assert.ok(error.message.includes(`(already paid: datasets[0] order ${paid[0]!.transferTxId}, datasets[1] order ${paid[1]!.transferTxId}; pass them as transferTxId`), error.message);
      } finally {
        client.close();
        await wire.close();
      }
    });

    it('a wallet without datatokens: INSUFFICIENT_FUNDS naming the asset, and no transaction', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50 });
      const client = clientFor(wallet);
      const sent = await nonce(wallet);
      const error = await failure(client.startJob(paidJob()));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      assert.match(error.message, /^datasets\[0\]: an order takes 1 datatoken of did:op:\w+; wallet 0x\w+ holds 0\.0$/);
      assert.equal(await nonce(wallet), sent, 'nothing was sent');
      client.close();
    });

    it('not consumable: refused before any transaction', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      const denied = datasetAsset({
        name: 'denied',
        chainId: chain.chainId,
        serviceEndpoint: setup.sandbox.url,
        nftAddress: chain.assets.dataset.nftAddress,
        datatokenAddress: dt('dataset'),
        files: [{ content: 'x' }],
        credentials: { deny: [{ type: 'address', values: [wallet.address] }] },
      });
      denied.ddo.id = `${String(denied.ddo.id).slice(0, -4)}dead`;
      setup.sandbox.context.ddos.add(denied);
      const client = clientFor(wallet);
      const sent = await nonce(wallet);
      const error = await failure(client.startJob(paidJob({ datasets: [{ did: String(denied.ddo.id) }] })));
      assert.equal(error.code, 'NOT_CONSUMABLE');
      assert.equal(await nonce(wallet), sent);
      client.close();
    });

    it('an RPC on another chain, and one that does not answer', async function () {
      const other = await startAnvil({ chainId: 1337 });
      const wallet = await fundedWallet(chain, { ocean: 5, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      try {
        const wrong = await failure(clientFor(wallet, { rpcUrl: other.rpcUrl }).startJob(paidJob()));
        assert.equal(wrong.code, 'WRONG_CHAIN');
        assert.match(wrong.message, /^rpcUrl: http:\/\/127\.0\.0\.1:\d+ serves chain 1337, but the connection is set to chain 8996$/);
        const down = await failure(clientFor(wallet, { rpcUrl: 'http://127.0.0.1:1' }).startJob(paidJob()));
        assert.equal(down.code, 'UNREACHABLE');
        assert.match(down.message, /^Cannot reach the RPC at http:\/\/127\.0\.0\.1:1/);
        const none = await failure(clientFor(wallet, { rpcUrl: '' }).startJob(paidJob()));
        assert.equal(none.code, 'INVALID_CONFIG');
      } finally {
        await other.close();
      }
    });

    it('a transaction that would revert says why, and nothing is sent', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      const forged = { providerFeeAddress: chain.accounts.provider.address, providerFeeToken: chain.contracts.oceanToken, providerFeeAmount: '0', providerData: '0x', v: 27, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, validUntil: 0 };
      const item = { datatoken: dt('dataset'), providerFee: forged };
      const payment = { escrowAddress: chain.contracts.escrow, payee: chain.accounts.provider.address, chainId: chain.chainId, token: chain.contracts.oceanToken, amount: '1000000000000000000', minLockSeconds: 3660 };
      setup.sandbox.fail({
        method: 'POST',
        path: '/api/services/initializeCompute',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ datasets: [item], algorithm: { ...item, datatoken: dt('statistics') }, ...(dialect === 'ocean-node' ? { payment } : {}) }),
      });
      const sent = await nonce(wallet);
      const error = await failure(clientFor(wallet).startJob(paidJob()));
      assert.equal(error.code, 'TRANSACTION_FAILED');
      assert.match(error.message, /^Could not order datasets\[0\] \(did:op:\w+\): the transaction would revert with "[^"]+"$/);
      assert.equal(await nonce(wallet), sent, 'the revert was caught before sending');
    });

    it('a failed payment step keeps the orders already mined for the retry', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      const client = clientFor(wallet);
      // The algorithm's datatoken is made unusable for this wallet: its only datatoken goes away.
      await sendAlgorithmDatatoken(wallet, chain.accounts.publisher.address);
      const error = await failure(client.startJob(paidJob()));
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      const paid = error.details?.paidOrders as Array<{ field: string; transferTxId: string }>;
      assert.equal(paid.length, 1, 'the dataset order was paid before the algorithm failed');
      assert.equal(paid[0]!.field, 'datasets[0]');
      assert.match(error.message, /already paid: datasets\[0\] order 0x[0-9a-f]{64}; pass them as transferTxId/);
      // A retry with the paid order spends no second dataset datatoken.
      await sendAlgorithmDatatoken(new Wallet(chain.accounts.consumer.privateKey), wallet.address);
      // The same client remembers the paid order: a start without it reuses it (the failure let go of it).
      const remembered = await client.startJob(paidJob());
      await waitForJob(client, remembered.jobId, 200);
      assert.equal(await balance(dt('dataset'), wallet), 0n, 'the paid order was reused, no second dataset datatoken spent');
      const job = await client.startJob(paidJob({ datasets: [{ did: setup.assets.dataset, transferTxId: paid[0]!.transferTxId }] }));
      await waitForJob(client, job.jobId, 200);
      assert.equal(await balance(dt('dataset'), wallet), 0n, 'still only one dataset datatoken spent');
      client.close();
    });

    it('a receipt that does not come in time: TIMEOUT with the transaction hash, which a retry reuses', async function () {
      const wallet = await fundedWallet(chain, { ocean: 50, datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
      const client = clientFor(wallet, { payment: { receiptTimeoutMs: 500 } });
      await provider.send('evm_setAutomine', [false]);
      let error: OceanError;
      try {
        error = await failure(client.startJob(paidJob()));
      } finally {
        await provider.send('evm_setAutomine', [true]);
        await provider.send('evm_mine', []);
      }
      assert.equal(error.code, 'TIMEOUT');
      const txHash = String(error.details?.txHash);
      assert.match(error.message, new RegExp(`transaction ${txHash} was not mined within 500 ms; it may still be mined, check it before paying again$`));
      const receipt = await provider.getTransactionReceipt(txHash);
      assert.equal(receipt?.status, 1, 'the order was mined afterwards');
      client.close();
      // The retry waits for its receipts as long as a connection does by default: 500 ms was only to force the first timeout.
      const retrying = clientFor(wallet);
      const job = await retrying.startJob(paidJob({ datasets: [{ did: setup.assets.dataset, transferTxId: txHash }] }));
      await waitForJob(retrying, job.jobId, 200);
      assert.equal(await balance(dt('dataset'), wallet), 0n, 'one dataset datatoken spent in all');
      retrying.close();
    });

    if (dialect === 'ocean-node') {
      it('escrow: refuses to deposit more than the limit; INSUFFICIENT_FUNDS without OCEAN', async function () {
        const poor = await fundedWallet(chain, { datatokens: { [dt('dataset')]: 1, [dt('statistics')]: 1 } });
        const sent = await nonce(poor);
        const raw = { meta: { container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' }, rawcode: 'console.log(1)' } };
        const noOcean = await failure(clientFor(poor).startJob(paidJob({ datasets: [], algorithm: raw })));
        assert.equal(noOcean.code, 'INSUFFICIENT_FUNDS');
        assert.match(noOcean.message, /^The job needs 1\.0 more of token 0x\w+ in the escrow; wallet 0x\w+ holds 0\.0$/);
        assert.equal(await nonce(poor), sent);
        const rich = await fundedWallet(chain, { ocean: 50 });
        const limited = clientFor(rich, { payment: { escrow: { maxDeposit: parseEther('0.5') } } });
        const limit = await failure(limited.startJob(paidJob({ datasets: [], algorithm: raw })));
        assert.equal(limit.code, 'PAYMENT_LIMIT');
        assert.match(limit.message, /more than the 0\.5 the connection may deposit per job$/);
      });
    }
  });
}
