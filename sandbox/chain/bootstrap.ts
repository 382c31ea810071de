import { performance } from 'node:perf_hooks';
import { anvilAccount, anvilAccounts, type ChainAccount } from './accounts';
import { startAnvil, type AnvilChain, type AnvilOptions } from './anvil';
import { deployOcean, type OceanContracts } from './deploy';
import { ONE_DATATOKEN, publishDatatokenAsset, type PublishedAsset } from './publish';
import { connectWallet } from './rpc';

const ONE_OCEAN = 10n ** 18n;

export interface BootstrapOptions extends AnvilOptions {
  /** OCEAN minted to each of anvil's ten accounts; default 1000 OCEAN. */
  oceanPerAccount?: bigint;
  /** Datatokens of each sample asset minted to the consumer; default 5 DT. */
  datatokensForConsumer?: bigint;
}

export interface SampleAsset extends PublishedAsset {
  name: string;
  symbol: string;
  type: 'dataset' | 'algorithm';
}

/** Who does what on the sandbox chain (all anvil test accounts). */
export interface ChainRoles {
  /** #0: deployed the contracts, owns OceanToken. */
  deployer: ChainAccount;
  /** #1: the demo wallet `npm start` gives Node-RED; holds datatokens of both assets. */
  consumer: ChainAccount;
  /** #2: owns the sample assets' NFTs, mints their datatokens, collects order payments. */
  publisher: ChainAccount;
  /** #3: the sandbox Provider / Ocean Node key (its provider-fee signer and escrow payee). */
  provider: ChainAccount;
}

export interface BootstrappedChain extends AnvilChain {
  contracts: OceanContracts;
  accounts: ChainRoles;
  assets: { dataset: SampleAsset; algorithm: SampleAsset };
  /** Wall time of the whole bootstrap (anvil start, deployment, publishing), in ms. */
  bootMs: number;
}

/** A ready local Ocean chain: anvil, the Ocean contracts, OCEAN for every account and two sample assets. */
export async function bootstrapChain(options: BootstrapOptions = {}): Promise<BootstrappedChain> {
  const started = performance.now();
  const chain = await startAnvil(options);
  try {
    const accounts: ChainRoles = { deployer: anvilAccount(0), consumer: anvilAccount(1), publisher: anvilAccount(2), provider: anvilAccount(3) };
    const oceanPerAccount = options.oceanPerAccount ?? 1000n * ONE_OCEAN;
    const contracts = await deployOcean(chain.rpcUrl, accounts.deployer.privateKey, {
      mintOcean: anvilAccounts().map(({ address }) => ({ address, amount: oceanPerAccount })),
    });

    const publisher = connectWallet(chain.rpcUrl, accounts.publisher.privateKey, chain.chainId);
    const mintTo = [{ address: accounts.consumer.address, amount: options.datatokensForConsumer ?? 5n * ONE_DATATOKEN }];
    try {
      const dataset = await publishDatatokenAsset(contracts, publisher, { name: 'Sensor readings', symbol: 'SENSOR', mintTo });
      const algorithm = await publishDatatokenAsset(contracts, publisher, { name: 'Statistics', symbol: 'STATS', mintTo });
      return {
        ...chain,
        contracts,
        accounts,
        assets: {
          dataset: { ...dataset, name: 'Sensor readings', symbol: 'SENSOR', type: 'dataset' },
          algorithm: { ...algorithm, name: 'Statistics', symbol: 'STATS', type: 'algorithm' },
        },
        bootMs: Math.round(performance.now() - started),
      };
    } finally {
      publisher.provider?.destroy();
    }
  } catch (error) {
    await chain.close();
    throw error;
  }
}
