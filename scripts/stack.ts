/**
 * The local Ocean stack `npm start` and `npm run demo` run on: anvil with the Ocean contracts and
 * the sample assets, and the sandbox (an Ocean Node stand-in, or a Provider v2) checking payments
 * on it. All on 127.0.0.1. The connection settings come back as environment variables, the way
 * the flows read them, so a real Ocean Node can take the sandbox's place.
 */
import { startChainSandbox, type Sandbox, type SandboxDialect } from '../sandbox';
import { bootstrapChain, type BootstrappedChain } from '../sandbox/chain';
import { didFor } from '../sandbox/assets';

export interface StackOptions {
  sandboxPort: number;
  anvilPort: number;
  dialect: SandboxDialect;
}

export interface Stack {
  /** OCEAN_* variables for the flows: provider URL, chain id, RPC URL, key, sample DIDs. */
  env: Record<string, string>;
  describe(): string[];
  close(): Promise<void>;
}

/** What the environment says to use instead of the sandbox, if anything. */
export function externalStack(env: NodeJS.ProcessEnv): Stack | undefined {
  if (!env.OCEAN_PROVIDER_URL) return undefined;
  const vars: Record<string, string> = {
    OCEAN_PROVIDER_URL: env.OCEAN_PROVIDER_URL,
    OCEAN_AQUARIUS_URL: env.OCEAN_AQUARIUS_URL ?? '',
    OCEAN_CHAIN_ID: env.OCEAN_CHAIN_ID ?? '8996',
    OCEAN_RPC_URL: env.OCEAN_RPC_URL ?? '',
    OCEAN_PRIVATE_KEY: env.OCEAN_PRIVATE_KEY ?? '',
    // Blank: Ocean's own Escrow deployment for the chain.
    OCEAN_ESCROW_ADDRESS: env.OCEAN_ESCROW_ADDRESS ?? '',
  };
  return {
    env: vars,
    describe: () => [`Ocean backend: ${vars.OCEAN_PROVIDER_URL} (chain ${vars.OCEAN_CHAIN_ID}) from OCEAN_PROVIDER_URL; no sandbox started`],
    close: async () => undefined,
  };
}

export async function startLocalStack(options: StackOptions): Promise<Stack> {
  const chain: BootstrappedChain = await bootstrapChain({ port: options.anvilPort });
  let sandbox: Sandbox;
  try {
    ({ sandbox } = await startChainSandbox(options.dialect, chain, { port: options.sandboxPort }));
  } catch (error) {
    await chain.close();
    throw error;
  }
  const did = (asset: { nftAddress: string }): string => didFor(asset.nftAddress, chain.chainId);
  const env = {
    OCEAN_PROVIDER_URL: sandbox.url,
    OCEAN_AQUARIUS_URL: '',
    OCEAN_CHAIN_ID: String(chain.chainId),
    OCEAN_RPC_URL: chain.rpcUrl,
    OCEAN_ESCROW_ADDRESS: chain.contracts.escrow,
    // A public anvil test key (account #1): it holds the sample datatokens and OCEAN, nothing real.
    OCEAN_PRIVATE_KEY: chain.accounts.consumer.privateKey,
    OCEAN_DATASET_DID: did(chain.assets.dataset),
    OCEAN_ALGORITHM_DID: did(chain.assets.statistics),
  };
  return {
    env,
    describe: () => [
      `local chain (anvil, chain ${chain.chainId}) on ${chain.rpcUrl}: Ocean contracts and 3 sample assets, booted in ${chain.bootMs} ms`,
      `sandbox (${options.dialect} stand-in, not an Ocean Node) on ${sandbox.url}`,
      `demo wallet ${chain.accounts.consumer.address} (anvil test account #1)`,
    ],
    close: async () => {
      await sandbox.close();
      await chain.close();
    },
  };
}

export function stackFromEnvironment(env: NodeJS.ProcessEnv, defaults: { sandboxPort: number; anvilPort: number }): Promise<Stack> {
  const external = externalStack(env);
  if (external) return Promise.resolve(external);
  const dialect = (env.SANDBOX_DIALECT ?? 'ocean-node') as SandboxDialect;
  if (dialect !== 'ocean-node' && dialect !== 'provider-v2') throw new Error(`SANDBOX_DIALECT must be ocean-node or provider-v2, not ${dialect}`);
  return startLocalStack({
    dialect,
    sandboxPort: Number(env.SANDBOX_PORT ?? defaults.sandboxPort),
    anvilPort: Number(env.ANVIL_PORT ?? defaults.anvilPort),
  });
}
