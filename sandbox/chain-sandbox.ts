import type { BootstrappedChain } from './chain/bootstrap';
import { DEFAULT_ENVIRONMENTS, type SandboxDialect, type SandboxOptions } from './options';
import { addSampleAssets, type SampleAssets, type SampleOptions } from './samples';
import { startSandbox, type Sandbox } from './server';

/** What of a bootstrapped chain a sandbox needs. */
export type SandboxChain = Pick<BootstrappedChain, 'rpcUrl' | 'chainId' | 'contracts' | 'accounts' | 'assets'>;

export interface ChainSandbox {
  sandbox: Sandbox;
  /** DIDs of the sample dataset and algorithms, published on the chain. */
  assets: SampleAssets;
}

/** The `onChain` addresses for addSampleAssets: the bootstrap's three published assets. */
export function sampleAssetsOnChain(chain: SandboxChain): NonNullable<SampleOptions['onChain']> {
  const { dataset, statistics, longRunning } = chain.assets;
  return {
    dataset: { nft: dataset.nftAddress, datatoken: dataset.datatokenAddress },
    statistics: { nft: statistics.nftAddress, datatoken: statistics.datatokenAddress },
    longRunning: { nft: longRunning.nftAddress, datatoken: longRunning.datatokenAddress },
    publisher: chain.accounts.publisher.address,
  };
}

/**
 * A sandbox that checks and takes payments on `chain`: its key is the chain's provider account,
 * its environments charge the chain's OCEAN, and the sample assets carry their on-chain addresses.
 */
export async function startChainSandbox(dialect: SandboxDialect, chain: SandboxChain, options: Omit<SandboxOptions, 'dialect' | 'chain'> = {}): Promise<ChainSandbox> {
  const environments = options.environments ?? DEFAULT_ENVIRONMENTS.map((env) => ({ ...env, feeToken: chain.contracts.oceanToken }));
  const sandbox = await startSandbox({
    ...options,
    dialect,
    chainId: chain.chainId,
    providerPrivateKey: options.providerPrivateKey ?? chain.accounts.provider.privateKey,
    environments,
    chain: { rpcUrl: chain.rpcUrl, escrowAddress: chain.contracts.escrow },
  });
  const assets = addSampleAssets(sandbox.context.ddos, { chainId: chain.chainId, serviceEndpoint: sandbox.url, onChain: sampleAssetsOnChain(chain) });
  return { sandbox, assets };
}
