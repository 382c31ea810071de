import { Contract, JsonRpcProvider, Wallet, parseEther, toBeHex } from 'ethers';
import { connectWallet, mintDatatokens, ONE_DATATOKEN, type BootstrappedChain } from '../../sandbox/chain';

export interface Grants {
  /** OCEAN, in whole tokens. */
  ocean?: number;
  /** Datatokens to mint (1 each order), per datatoken address. */
  datatokens?: Record<string, number>;
}

/**
 * A brand-new wallet on the shared chain with gas and exactly the tokens a test gives it, so
 * balances and nonces a test asserts on are its own.
 */
export async function fundedWallet(chain: BootstrappedChain, grants: Grants = {}): Promise<Wallet> {
  const wallet = Wallet.createRandom();
  const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  await provider.send('anvil_setBalance', [wallet.address, toBeHex(parseEther('10'))]);
  if (grants.ocean) {
    // The deployer owns OceanToken: minting, unlike a transfer, never runs a long suite out of OCEAN.
    const deployer = connectWallet(chain.rpcUrl, chain.accounts.deployer.privateKey, chain.chainId);
    const ocean = new Contract(chain.contracts.oceanToken, ['function mint(address account, uint256 amount)'], deployer);
    await (await ocean.getFunction('mint')(wallet.address, parseEther(String(grants.ocean)))).wait();
  }
  const publisher = connectWallet(chain.rpcUrl, chain.accounts.publisher.privateKey, chain.chainId);
  for (const [datatoken, count] of Object.entries(grants.datatokens ?? {})) {
    await mintDatatokens(publisher, datatoken, [{ address: wallet.address, amount: BigInt(count) * ONE_DATATOKEN }]);
  }
  provider.destroy();
  return new Wallet(wallet.privateKey);
}
