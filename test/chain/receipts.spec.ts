import assert from 'node:assert/strict';
import { Contract, JsonRpcProvider, parseEther, type BaseWallet } from 'ethers';
import { connectWallet, type BootstrappedChain } from '../../sandbox/chain';
import { ERC20_ABI } from '../../src/ocean/payment/abi';
import { OceanError } from '../../src/ocean/errors';
import { sendTransaction } from '../../src/ocean/payment/transactions';
import { sharedChain } from '../helpers/chain';
import { fundedWallet } from '../helpers/funded-wallet';

/**
 * A chain that mines only on demand, as anvil and hardhat do for development: a transaction whose
 * receipt is not there at the first look is waited for by reading its receipt, not by waiting for
 * a block (when none follows, that wait lasted until its timeout).
 */
describe('waiting for a receipt on a chain that mines on demand', function () {
  this.timeout(60_000);
  let chain: BootstrappedChain;
  let payer: BaseWallet;
  let rpc: JsonRpcProvider;

  before(async function () {
    chain = await sharedChain();
    payer = connectWallet(chain.rpcUrl, (await fundedWallet(chain, { ocean: 1 })).privateKey, chain.chainId);
    rpc = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
  });

  afterEach(async function () {
    await rpc.send('evm_setAutomine', [true]);
  });

  after(function () {
    payer.provider?.destroy();
    rpc.destroy();
  });

  it('a transaction mined a while after it was sent, with no block after it: its hash, once mined', async function () {
    await rpc.send('evm_setAutomine', [false]);
    const token = new Contract(chain.contracts.oceanToken, ERC20_ABI, payer);
    const sending = sendTransaction(token, 'approve', [chain.contracts.escrow, parseEther('1')], 'allow the escrow deposit', 30_000);
    // Mined once the wallet's transaction is in the pool, and no block after it.
    const address = await payer.getAddress();
    for (let i = 0; i < 200 && (await rpc.send('eth_getTransactionCount', [address, 'pending'])) === (await rpc.send('eth_getTransactionCount', [address, 'latest'])); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rpc.send('evm_mine', []);
    const hash = await sending;
    const receipt = await rpc.getTransactionReceipt(hash);
    assert.equal(receipt?.status, 1);
    assert.equal(await rpc.getBlockNumber(), receipt?.blockNumber, 'no block came after it');
  });

  it('a transaction never mined: TIMEOUT with its hash, the receipt read with growing gaps, and reading stops by itself', async function () {
    await rpc.send('evm_setAutomine', [false]);
    const provider = payer.provider as JsonRpcProvider;
    const reads: number[] = [];
    const send = provider.send.bind(provider);
    provider.send = (method: string, params: unknown[] | Record<string, unknown>) => {
      if (method === 'eth_getTransactionReceipt') reads.push(Date.now());
      return send(method, params);
    };
    try {
      const token = new Contract(chain.contracts.oceanToken, ERC20_ABI, payer);
      const started = Date.now();
      const error = await sendTransaction(token, 'approve', [chain.contracts.escrow, parseEther('2')], 'allow the escrow deposit', 1_200).then(
        () => assert.fail('a transaction that is never mined cannot succeed'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof OceanError);
      assert.equal(error.code, 'TIMEOUT');
      assert.match(error.message, /^Could not allow the escrow deposit: transaction 0x[0-9a-f]{64} was not mined within 1200 ms; it may still be mined, check it before paying again$/);
      assert.ok(Date.now() - started >= 1_200, 'not before the receipt timeout');
      // 50, 100, 200, 400, 800 ms apart (then at most 1 s): five or six reads in 1.2 s, not a busy loop.
      const during = reads.filter((at) => at - started <= 1_200).length;
      assert.ok(during >= 2 && during <= 6, `${during} receipt reads within the timeout`);
      // The loop behind the timed-out wait ends on its own: at most one read after the error.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const settled = reads.length;
      assert.ok(settled <= during + 1, `${settled - during} receipt reads after the timeout`);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(reads.length, settled, 'no receipt read more than a second after the timeout');
    } finally {
      provider.send = send;
      await rpc.send('evm_mine', []);
    }
  });
});
