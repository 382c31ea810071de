import { JsonRpcProvider, Network, NonceManager, Wallet, type BaseWallet, type Provider } from 'ethers';

const CHAIN_ID_TIMEOUT_MS = 5_000;

/**
 * A provider without ethers' 250 ms call cache: with the cache, two quick transactions from one
 * account can read the same `eth_getTransactionCount` and fail with "nonce too low".
 * `staticNetwork` (the chain id is asked once, not before every call) and no 10 ms batching
 * stall make a transaction on anvil take about 20 ms instead of 100 ms.
 * Without `chainId`, ethers detects it on first use and retries forever while the URL is dead:
 * entry points that take a URL use openProvider() instead.
 */
export function jsonRpcProvider(rpcUrl: string, chainId?: number): JsonRpcProvider {
  const network = chainId === undefined ? undefined : Network.from(chainId);
  return new JsonRpcProvider(rpcUrl, network, { cacheTimeout: -1, staticNetwork: true, batchStallTime: 0 });
}

/** A provider for a chain that has just answered eth_chainId; throws (bounded) when it does not. */
export async function openProvider(rpcUrl: string): Promise<JsonRpcProvider> {
  const chainId = await askChainId(rpcUrl, CHAIN_ID_TIMEOUT_MS);
  if (chainId === undefined) throw new Error(`no JSON-RPC answer to eth_chainId from ${rpcUrl} within ${CHAIN_ID_TIMEOUT_MS / 1000} s`);
  return jsonRpcProvider(rpcUrl, chainId);
}

/** The chain id `rpcUrl` answers, or undefined when it does not answer within `timeoutMs`. */
export async function askChainId(rpcUrl: string, timeoutMs: number): Promise<number | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === 'string' ? Number(BigInt(body.result)) : undefined;
  } catch {
    return undefined;
  }
}

/** A wallet on a cache-free provider of `rpcUrl`; what the signing helpers here expect. */
export function connectWallet(rpcUrl: string, privateKey: string, chainId?: number): Wallet {
  return new Wallet(privateKey, jsonRpcProvider(rpcUrl, chainId));
}

/** The wallet's provider; the helpers that send transactions need a connected wallet. */
export function providerOf(wallet: BaseWallet): Provider {
  if (!wallet.provider) throw new Error(`wallet ${wallet.address} is not connected to a provider (use connectWallet(rpcUrl, key))`);
  return wallet.provider;
}

/** Counts nonces locally, so a run of transactions from one account never reuses one. */
export function managedSigner(wallet: BaseWallet): NonceManager {
  providerOf(wallet);
  return new NonceManager(wallet);
}

/** Runs `use` with a provider for `rpc`, destroying it afterwards when it was opened here. */
export async function withProvider<T>(rpc: string | Provider, use: (provider: Provider) => Promise<T>): Promise<T> {
  if (typeof rpc !== 'string') return use(rpc);
  const provider = await openProvider(rpc);
  try {
    return await use(provider);
  } finally {
    provider.destroy();
  }
}
