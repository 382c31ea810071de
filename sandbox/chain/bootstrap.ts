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
  /** #1: the demo wallet `npm start` gives Node-RED; holds datatokens of every sample asset. */
  consumer: ChainAccount;
  /** #2: owns the sample assets' NFTs, mints their datatokens, collects order payments. */
  publisher: ChainAccount;
  /** #3: the sandbox Provider / Ocean Node key (its provider-fee signer and escrow payee). */
  provider: ChainAccount;
}

/** The sample assets of `addSampleAssets`, published: one dataset, two algorithms. */
export interface SampleAssetsOnChain {
  dataset: SampleAsset;
  /** The "Sensor statistics" algorithm (on chain its NFT is named "Statistics"). */
  statistics: SampleAsset;
  longRunning: SampleAsset;
  /** Same as `statistics`; the name it had when it was the only algorithm. */
  algorithm: SampleAsset;
}

export interface BootstrappedChain extends AnvilChain {
  contracts: OceanContracts;
  accounts: ChainRoles;
  assets: SampleAssetsOnChain;
  /** Wall time of the whole bootstrap (anvil start, deployment, publishing), in ms. */
  bootMs: number;
}

/** A ready local Ocean chain: anvil, the Ocean contracts, OCEAN for every account and three sample assets. */
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
    const publish = async (name: string, symbol: string, type: SampleAsset['type']): Promise<SampleAsset> => ({
      ...(await publishDatatokenAsset(contracts, publisher, { name, symbol, mintTo })),
      name,
      symbol,
      type,
    });
    try {
      const dataset = await publish('Sensor readings', 'SENSOR', 'dataset');
      const statistics = await publish('Statistics', 'STATS', 'algorithm');
      const longRunning = await publish('Long-running ticker', 'TICKER', 'algorithm');
      return {
        ...chain,
        contracts,
        accounts,
        assets: { dataset, statistics, longRunning, algorithm: statistics },
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
