import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Contract, Wallet, hexlify, id, toUtf8Bytes, type JsonRpcProvider, type Signer } from 'ethers';
import { DEFAULT_FEE_TOKEN, DEFAULT_PROVIDER_KEY } from '../../sandbox';
import {
  OCEAN_TOKEN_ADDRESS,
  ONE_DATATOKEN,
  anvilAccount,
  claimEscrowLock,
  connectWallet,
  createEscrowLock,
  escrowAuthorize,
  escrowDeposit,
  escrowFunds,
  escrowJobId,
  jsonRpcProvider,
  providerFeeSigner,
  publishDatatokenAsset,
  readOrder,
  reuseOrder,
  signProviderFee,
  startAnvil,
  startOrder,
  tokenBalance,
  type BootstrappedChain,
  type ProviderFee,
} from '../../sandbox/chain';
import { sharedChain } from '../helpers/chain';

const OCEAN = 10n ** 18n;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
const ERC721_OF = ['function getERC721Address() view returns (address)'];

describe('sandbox chain', function () {
  this.timeout(20_000);
  let chain: BootstrappedChain;
  let provider: JsonRpcProvider;
  let node: Wallet; // the Provider / Ocean Node: fee signer, env consumerAddress, escrow payee
  let consumer: Wallet; // the user's wallet: pays orders and escrow

  before(async function () {
    chain = await sharedChain();
    provider = jsonRpcProvider(chain.rpcUrl, chain.chainId);
    node = connectWallet(chain.rpcUrl, chain.accounts.provider.privateKey, chain.chainId);
    consumer = connectWallet(chain.rpcUrl, chain.accounts.consumer.privateKey, chain.chainId);
  });

  after(function () {
    for (const runner of [provider, node.provider, consumer.provider]) runner?.destroy();
  });

  async function fee(amount: bigint, validUntil: bigint, datatoken: string, signer: Signer = node): Promise<ProviderFee> {
    return signProviderFee(signer, {
      providerData: hexlify(toUtf8Bytes(JSON.stringify({ dt: datatoken, id: 'compute' }))),
      providerFeeAddress: node.address,
      providerFeeToken: chain.contracts.oceanToken,
      providerFeeAmount: amount,
      validUntil,
    });
  }

  async function now(): Promise<bigint> {
    const block = await provider.getBlock('latest');
    return BigInt(block?.timestamp ?? 0);
  }

  describe('boot', function () {
    it('boots anvil, the Ocean contracts and two assets in a few seconds, OCEAN at the well-known address', async function () {
      assert.ok(chain.bootMs > 0 && chain.bootMs < 15_000, `bootMs ${chain.bootMs}`);
      assert.equal(chain.chainId, 8996);
      assert.equal((await provider.getNetwork()).chainId, 8996n);
      assert.equal(chain.contracts.oceanToken, OCEAN_TOKEN_ADDRESS);
      assert.equal(chain.contracts.oceanToken, DEFAULT_FEE_TOKEN);
      assert.equal(chain.accounts.provider.privateKey, DEFAULT_PROVIDER_KEY);
      for (const address of Object.values(chain.contracts)) assert.notEqual(await provider.getCode(address), '0x', address);
      assert.equal(await tokenBalance(provider, chain.contracts.oceanToken, anvilAccount(9).address), 1000n * OCEAN);
    });

    it('startAnvil takes the given port and chain id, refuses a busy port, close() stops it; reads of a dead URL fail at once', async function () {
      const port = await freePort();
      const other = await startAnvil({ port, chainId: 1337 });
      assert.equal(other.rpcUrl, `http://127.0.0.1:${port}`);
      const otherProvider = jsonRpcProvider(other.rpcUrl);
      try {
        assert.equal((await otherProvider.getNetwork()).chainId, 1337n);
        await assert.rejects(startAnvil({ port }), /already in use/);
      } finally {
        otherProvider.destroy();
        await other.close();
      }
      await assert.rejects(fetch(other.rpcUrl, { method: 'POST', body: '{}' }));
      await other.close();
      await assert.rejects(readOrder(other.rpcUrl, id('any'), chain.assets.dataset.datatokenAddress), /no JSON-RPC answer/);
    });
  });

  describe('assets', function () {
    it('the sample assets exist and the consumer holds their datatokens', async function () {
      const { dataset, algorithm } = chain.assets;
      assert.equal(dataset.name, 'Sensor readings');
      assert.equal(algorithm.name, 'Statistics');
      for (const asset of [dataset, algorithm]) {
        const datatoken = new Contract(asset.datatokenAddress, ERC721_OF, provider);
        assert.equal(await datatoken.getFunction('getERC721Address').staticCall(), asset.nftAddress);
        assert.ok((await tokenBalance(provider, asset.datatokenAddress, consumer.address)) >= ONE_DATATOKEN);
      }
    });

    it('publishDatatokenAsset mints the asked datatokens', async function () {
      const publisher = connectWallet(chain.rpcUrl, anvilAccount(5).privateKey, chain.chainId);
      try {
        const receiver = anvilAccount(6).address;
        const asset = await publishDatatokenAsset(chain.contracts, publisher, { name: 'Extra', symbol: 'XTR', mintTo: [{ address: receiver, amount: 3n * ONE_DATATOKEN }] });
        assert.equal(await tokenBalance(provider, asset.datatokenAddress, receiver), 3n * ONE_DATATOKEN);
        assert.equal((await provider.getTransactionReceipt(asset.txHash))?.status, 1);
      } finally {
        publisher.provider?.destroy();
      }
    });
  });

  describe('orders', function () {
    let firstOrder: string;

    it('startOrder with a zero provider fee, read back by readOrder', async function () {
      const datatoken = chain.assets.dataset.datatokenAddress;
      const before = await tokenBalance(provider, datatoken, consumer.address);
      const providerFee = await fee(0n, (await now()) + 3600n, datatoken);
      firstOrder = await startOrder(consumer, { datatoken, consumer: node.address, serviceIndex: 0, providerFee });
      assert.equal(await tokenBalance(provider, datatoken, consumer.address), before - ONE_DATATOKEN);

      const order = await readOrder(chain.rpcUrl, firstOrder, datatoken);
      assert.ok(order);
      assert.equal(order.status, 1);
      assert.equal(order.to, datatoken);
      assert.equal(order.from, consumer.address);
      assert.ok(order.blockTimestamp > 0);
      assert.deepEqual(
        { ...order.orderStarted, timestamp: 0n, blockNumber: 0n },
        { consumer: node.address, payer: consumer.address, amount: ONE_DATATOKEN, serviceIndex: 0n, timestamp: 0n, publishMarketAddress: '0x0000000000000000000000000000000000000000', blockNumber: 0n },
      );
      assert.equal(order.orderStarted?.blockNumber, BigInt(order.blockNumber));
      assert.equal(order.orderStarted?.timestamp, BigInt(order.blockTimestamp));
      assert.deepEqual(order.providerFee, {
        providerFeeAddress: providerFee.providerFeeAddress,
        providerFeeToken: providerFee.providerFeeToken,
        providerFeeAmount: 0n,
        providerData: providerFee.providerData,
        v: providerFee.v,
        r: providerFee.r,
        s: providerFee.s,
        validUntil: BigInt(providerFee.validUntil),
        signer: node.address,
      });
      assert.equal(order.orderReused, null);
      assert.equal(order.original, null);
    });

    it('startOrder with a paid provider fee approves and pays it', async function () {
      const datatoken = chain.assets.algorithm.datatokenAddress;
      const amount = 2n * OCEAN;
      const [payerBefore, nodeBefore] = await Promise.all([
        tokenBalance(provider, chain.contracts.oceanToken, consumer.address),
        tokenBalance(provider, chain.contracts.oceanToken, node.address),
      ]);
      const providerFee = await fee(amount, (await now()) + 600n, datatoken);
      assert.equal(providerFee.providerFeeAmount, '2000000000000000000');
      assert.equal(providerFeeSigner(providerFee), node.address);
      const tx = await startOrder(consumer, { datatoken, consumer: node.address, serviceIndex: 0, providerFee });

      assert.equal(await tokenBalance(provider, chain.contracts.oceanToken, consumer.address), payerBefore - amount);
      const received = (await tokenBalance(provider, chain.contracts.oceanToken, node.address)) - nodeBefore;
      assert.ok(received > 0n && received <= amount, `provider received ${received}`);
      const order = await readOrder(provider, tx, datatoken);
      assert.equal(order?.providerFee?.providerFeeAmount, amount);
      assert.equal(order?.orderStarted?.serviceIndex, 0n);
    });

    it('a fee not signed by the providerFeeAddress is refused on chain, and the wallet can order again', async function () {
      const datatoken = chain.assets.dataset.datatokenAddress;
      const forged = await fee(0n, (await now()) + 600n, datatoken, Wallet.createRandom());
      await assert.rejects(startOrder(consumer, { datatoken, consumer: node.address, serviceIndex: 0, providerFee: forged }), /Invalid provider fee/);
      const good = await fee(0n, (await now()) + 600n, datatoken);
      assert.match(await startOrder(consumer, { datatoken, consumer: node.address, serviceIndex: 1, providerFee: good }), /^0x[0-9a-f]{64}$/);
    });

    it('reuseOrder is followed back to the original OrderStarted', async function () {
      const datatoken = chain.assets.dataset.datatokenAddress;
      const providerFee = await fee(0n, (await now()) + 7200n, datatoken);
      const tx = await reuseOrder(consumer, { datatoken, orderTxId: firstOrder, providerFee });
      const order = await readOrder(chain.rpcUrl, tx, datatoken);
      assert.ok(order);
      assert.equal(order.orderStarted, null);
      assert.equal(order.orderReused?.orderTxId, firstOrder);
      assert.equal(order.orderReused?.caller, consumer.address);
      assert.equal(order.providerFee?.validUntil, BigInt(providerFee.validUntil));
      assert.equal(order.original?.txHash, firstOrder);
      assert.equal(order.original?.orderStarted?.consumer, node.address);
      assert.equal(order.original?.orderStarted?.payer, consumer.address);
      assert.equal(order.original?.original, null);
    });

    it('readOrder sees no order for another datatoken, and null for an unknown or malformed hash', async function () {
      const order = await readOrder(chain.rpcUrl, firstOrder, chain.assets.algorithm.datatokenAddress);
      assert.ok(order);
      assert.equal(order.status, 1);
      assert.equal(order.orderStarted, null);
      assert.equal(order.providerFee, null);
      assert.notEqual(order.to, chain.assets.algorithm.datatokenAddress);
      assert.equal(await readOrder(chain.rpcUrl, id('no such transaction'), chain.assets.dataset.datatokenAddress), null);
      assert.equal(await readOrder(chain.rpcUrl, '0x1234', chain.assets.dataset.datatokenAddress), null);
    });
  });

  describe('escrow', function () {
    it('deposit and authorize show in escrowFunds; a lock moves funds from available to locked; a claim pays', async function () {
      const payer = connectWallet(chain.rpcUrl, anvilAccount(4).privateKey, chain.chainId);
      const token = chain.contracts.oceanToken;
      const escrow = chain.contracts.escrow;
      try {
        await escrowDeposit(payer, escrow, token, 10n * OCEAN);
        await escrowAuthorize(payer, escrow, { token, payee: node.address, maxLockedAmount: 5n * OCEAN, maxLockSeconds: 600n, maxLockCounts: 2n });

        const funds = await escrowFunds(chain.rpcUrl, escrow, payer.address, token, node.address);
        assert.equal(funds.available, 10n * OCEAN);
        assert.equal(funds.locked, 0n);
        assert.deepEqual(funds.authorization, { payee: node.address, maxLockedAmount: 5n * OCEAN, currentLockedAmount: 0n, maxLockSeconds: 600n, maxLockCounts: 2n, currentLocks: 0n });
        assert.equal(funds.authorizations.length, 1);
        assert.deepEqual(funds.locks, []);

        const jobId = 'cluster-hash-job-1';
        const lock = await createEscrowLock(node, escrow, { jobId, token, payer: payer.address, amount: 3n * OCEAN, expiry: 300n });
        assert.equal(lock.jobId, escrowJobId(jobId));
        const lockBlock = await provider.getBlock((await provider.getTransactionReceipt(lock.txHash))?.blockNumber ?? 0);
        const locked = await escrowFunds(provider, escrow, payer.address, token, node.address);
        assert.equal(locked.available, 7n * OCEAN);
        assert.equal(locked.locked, 3n * OCEAN);
        assert.equal(locked.authorization?.currentLockedAmount, 3n * OCEAN);
        assert.equal(locked.authorization?.currentLocks, 1n);
        assert.deepEqual(locked.locks, [{ jobId: lock.jobId, payer: payer.address, amount: 3n * OCEAN, expiry: BigInt(lockBlock?.timestamp ?? 0) + 300n, token }]);

        const nonce = await provider.getTransactionCount(node.address);
        await assert.rejects(createEscrowLock(node, escrow, { jobId: 'job-2', token, payer: payer.address, amount: 3n * OCEAN, expiry: 300n }), {
          message: 'No valid escrow auths found(will go over limit)',
        });
        await assert.rejects(createEscrowLock(node, escrow, { jobId: 'job-2', token, payer: payer.address, amount: OCEAN, expiry: 601n }), {
          message: 'No valid escrow auths found(maxLockSeconds too low)',
        });
        await assert.rejects(createEscrowLock(node, escrow, { jobId: 'job-2', token, payer: payer.address, amount: 8n * OCEAN, expiry: 1n }), {
          message: `User ${payer.address} does not have enough funds`,
        });
        assert.equal(await provider.getTransactionCount(node.address), nonce, 'refused locks sent nothing');

        const nodeBefore = await tokenBalance(provider, token, node.address);
        await claimEscrowLock(node, escrow, { jobId, token, payer: payer.address, amount: 2n * OCEAN, proof: 'job finished' });
        const claimed = await escrowFunds(provider, escrow, payer.address, token, node.address);
        assert.equal(claimed.available, 8n * OCEAN);
        assert.equal(claimed.locked, 0n);
        assert.equal(claimed.authorization?.currentLocks, 0n);
        assert.deepEqual(claimed.locks, []);
        const paid = (await tokenBalance(provider, token, node.address)) - nodeBefore;
        assert.ok(paid > 0n && paid <= 2n * OCEAN, `payee received ${paid}`);
      } finally {
        payer.provider?.destroy();
      }
    });

    it('escrowFunds of a payer without deposit or authorization', async function () {
      const funds = await escrowFunds(chain.rpcUrl, chain.contracts.escrow, anvilAccount(7).address, chain.contracts.oceanToken, node.address);
      assert.deepEqual({ ...funds, payer: '', token: '' }, { payer: '', token: '', available: 0n, locked: 0n, authorizations: [], authorization: null, locks: [] });
    });
  });
});
