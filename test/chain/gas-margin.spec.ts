import assert from 'node:assert/strict';
import { Contract, parseEther, type BaseWallet } from 'ethers';
import { connectWallet, type BootstrappedChain } from '../../sandbox/chain';
import { createEscrowLock } from '../../sandbox/chain/escrow-payee';
import { escrowAuthorize } from '../../sandbox/chain/escrow-payer';
import { ERC20_ABI, ESCROW_ABI } from '../../src/ocean/payment/abi';
import { sendTransaction, withGasMargin } from '../../src/ocean/payment/transactions';
import { sharedChain } from '../helpers/chain';
import { fundedWallet } from '../helpers/funded-wallet';

const OCEAN = parseEther('1');

/**
 * A deposit is estimated while the wallet's escrow holds funds, and the node locks them before
 * the deposit is mined (a job starting while the next start pays): the deposit then writes a
 * balance that went to zero, which costs more gas than the estimate said.
 */
describe('a transaction mined after the chain changed under its estimate', function () {
  this.timeout(60_000);
  let chain: BootstrappedChain;
  let payer: BaseWallet;
  let payee: BaseWallet;
  let escrow: Contract;
  let jobs = 0n;
  const funds = async (): Promise<{ available: bigint; locked: bigint }> => {
    const { available, locked } = (await escrow.getFunction('getUserFunds')(payer.address, chain.contracts.oceanToken)) as { available: bigint; locked: bigint };
    return { available, locked };
  };
  /** The node locks one OCEAN of the payer's escrow for a new job. */
  const nodeLocks = async (): Promise<void> => {
    jobs += 1n;
    await createEscrowLock(payee, chain.contracts.escrow, { jobId: 7_000n + jobs, token: chain.contracts.oceanToken, payer: payer.address, amount: OCEAN, expiry: 3600n } as never);
  };

  before(async function () {
    chain = await sharedChain();
    const wallet = await fundedWallet(chain, { ocean: 10 });
    payer = connectWallet(chain.rpcUrl, wallet.privateKey, chain.chainId);
    payee = connectWallet(chain.rpcUrl, chain.accounts.provider.privateKey, chain.chainId);
    escrow = new Contract(chain.contracts.escrow, ESCROW_ABI, payer);
    await (await new Contract(chain.contracts.oceanToken, ERC20_ABI, payer).getFunction('approve')(chain.contracts.escrow, 10n * OCEAN)).wait();
    await escrowAuthorize(payer, chain.contracts.escrow, { token: chain.contracts.oceanToken, payee: payee.address, maxLockedAmount: 10n * OCEAN, maxLockSeconds: 3600n, maxLockCounts: 10n });
    await (await escrow.getFunction('deposit')(chain.contracts.oceanToken, OCEAN)).wait();
  });

  after(function () {
    payer.provider?.destroy();
    payee.provider?.destroy();
  });

  it('with the bare estimate the deposit runs out of gas and reverts (the race is real)', async function () {
    assert.deepEqual(await funds(), { available: OCEAN, locked: 0n });
    const estimate = await escrow.getFunction('deposit').estimateGas(chain.contracts.oceanToken, OCEAN);
    await nodeLocks();
    const sent = await escrow.getFunction('deposit').send(chain.contracts.oceanToken, OCEAN, { gasLimit: estimate });
    await assert.rejects(sent.wait(), (error: { code?: string }) => error.code === 'CALL_EXCEPTION');
    assert.deepEqual(await funds(), { available: 0n, locked: OCEAN }, 'nothing deposited');
  });

  it('sendTransaction leaves room for it: the deposit goes through, using more gas than the estimate', async function () {
    await (await escrow.getFunction('deposit')(chain.contracts.oceanToken, OCEAN)).wait();
    assert.deepEqual(await funds(), { available: OCEAN, locked: OCEAN });
    let estimated = 0n;
    // The real contract, with the node's lock landing between the estimate and the send.
    const racing = {
      runner: escrow.runner,
      getFunction: (method: string) => {
        const call = escrow.getFunction(method);
        return {
          estimateGas: async (...args: unknown[]) => {
            estimated = await call.estimateGas(...args);
            await nodeLocks();
            return estimated;
          },
          send: (...args: unknown[]) => call.send(...args),
        };
      },
    } as unknown as Contract;
    const hash = await sendTransaction(racing, 'deposit', [chain.contracts.oceanToken, OCEAN], 'deposit into the escrow', 30_000);
    assert.deepEqual(await funds(), { available: OCEAN, locked: 2n * OCEAN });
    const sent = await payer.provider!.getTransaction(hash);
    const receipt = await payer.provider!.getTransactionReceipt(hash);
    assert.equal(sent?.gasLimit, withGasMargin(estimated));
    assert.ok(receipt!.gasUsed > estimated, `used ${receipt!.gasUsed}, more than the ${estimated} estimated`);
  });

  it('the margin: a quarter of the estimate and 30,000 gas', function () {
    assert.equal(withGasMargin(65_031n), 65_031n + 16_257n + 30_000n);
    assert.equal(withGasMargin(0n), 30_000n);
  });
});
