import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import type { BootstrappedChain } from '../../sandbox/chain';
import { ChainAccess } from '../../src/ocean/payment/chain';
import { sharedChain } from '../helpers/chain';
import { startWireLog, type WireLog, type WireRequest } from '../helpers/wire-log';

const methods = (requests: WireRequest[]): string[] => requests.map(({ body }) => (Array.isArray(body) ? 'batch' : (body as { method: string }).method));

describe('the chain as the payments read it', function () {
  this.timeout(30_000);
  let chain: BootstrappedChain;

  before(async function () {
    chain = await sharedChain();
  });

  /** A ChainAccess for a throwaway wallet, behind a pass-through that keeps every request, past its chain check. */
  async function checkedAccess(): Promise<{ rpc: WireLog; access: ChainAccess }> {
    const rpc = await startWireLog(chain.rpcUrl);
    const access = new ChainAccess(rpc.url, chain.chainId, new Wallet(Wallet.createRandom().privateKey));
    await access.ready();
    return { rpc, access };
  }

  it('one request per call, the chain id asked once: no batches, no network detection of its own', async function () {
    const { rpc, access } = await checkedAccess();
    try {
      const ocean = chain.contracts.oceanToken;
      const datatoken = chain.assets.dataset.datatokenAddress;
      const [oceanDecimals, oceanSymbol, datatokenDecimals] = await Promise.all([access.decimals(ocean), access.symbol(ocean), access.decimals(datatoken)]);
      assert.deepEqual([oceanDecimals, oceanSymbol, datatokenDecimals], [18, 'OCEAN', 18]);
      await access.ready();
      assert.deepEqual(methods(rpc.requests), ['eth_chainId', 'eth_call', 'eth_call', 'eth_call']);
    } finally {
      access.close();
      await rpc.close();
    }
  });

  it('once closed, nothing more is sent to the RPC: a read asked afterwards fails', async function () {
    const { rpc, access } = await checkedAccess();
    try {
      const sent = rpc.requests.length;
      access.close();
      await assert.rejects(access.decimals(chain.contracts.oceanToken));
      assert.equal(rpc.requests.length, sent);
    } finally {
      await rpc.close();
    }
  });
});
