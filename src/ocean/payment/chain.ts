import { Contract, JsonRpcProvider, NonceManager, type Wallet } from 'ethers';
import { SerialQueue } from '../auth/nonces';
import { OceanError } from '../errors';
import { ERC20_ABI } from './abi';
import { EscrowHolds } from './escrow';

const CHAIN_ID_TIMEOUT_MS = 10_000;

/**
 * The wallet on the configured chain. The RPC's chain id is checked once against the
 * connection's; transactions of one wallet are sent one at a time, so their nonces never race.
 */
export class ChainAccess {
  readonly provider: JsonRpcProvider;
  readonly signer: NonceManager;
  readonly queue = new SerialQueue();
  /** Escrow funds promised to starts of this wallet that the node has not locked yet. */
  readonly escrowHolds = new EscrowHolds();
  private checked?: Promise<void>;
  private readonly tokenDecimals = new Map<string, Promise<number>>();
  private readonly tokenSymbols = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly rpcUrl: string,
    private readonly chainId: number,
    wallet: Wallet,
  ) {
    // cacheTimeout -1: two quick transactions from one wallet must not see a cached nonce.
    this.provider = new JsonRpcProvider(rpcUrl, chainId, { cacheTimeout: -1, staticNetwork: true, batchMaxCount: 1 });
    this.signer = new NonceManager(wallet.connect(this.provider));
  }

  get address(): string {
    return (this.signer.signer as Wallet).address;
  }

  /** Fails with WRONG_CHAIN when the RPC serves another chain, UNREACHABLE when it does not answer. */
  ready(): Promise<void> {
    if (!this.checked) {
      this.checked = this.checkChain().catch((error: unknown) => {
        this.checked = undefined;
        throw error;
      });
    }
    return this.checked;
  }

  /** DDOs name their chain too: paying on another one would be money lost. */
  assertChain(chainId: number | undefined, what: string): void {
    if (chainId !== undefined && chainId !== this.chainId) {
      throw new OceanError('WRONG_CHAIN', `${what} lives on chain ${chainId}, but the connection is set to chain ${this.chainId}`, { details: { expected: this.chainId, found: chainId } });
    }
  }

  /** A token's decimals, read from its contract once. */
  decimals(token: string): Promise<number> {
    const key = token.toLowerCase();
    let known = this.tokenDecimals.get(key);
    if (!known) {
      known = (new Contract(token, ERC20_ABI, this.provider).getFunction('decimals')() as Promise<bigint>).then((value) => {
        const decimals = Number(value);
        if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36) {
          throw new OceanError('PAYMENT_REFUSED', `Token ${token} claims ${String(value)} decimals; nothing is paid in it`, { details: { field: 'token', got: token } });
        }
        return decimals;
      });
      known.catch(() => this.tokenDecimals.delete(key));
      this.tokenDecimals.set(key, known);
    }
    return known;
  }

  /** A token's symbol ("OCEAN"), read once; undefined when the contract has none. */
  symbol(token: string): Promise<string | undefined> {
    const key = token.toLowerCase();
    let known = this.tokenSymbols.get(key);
    if (!known) {
      known = (new Contract(token, ERC20_ABI, this.provider).getFunction('symbol')() as Promise<string>).then(
        (symbol) => (typeof symbol === 'string' && symbol.length <= 32 ? symbol : undefined),
        () => undefined,
      );
      this.tokenSymbols.set(key, known);
    }
    return known;
  }

  close(): void {
    this.provider.destroy();
  }

  private async checkChain(): Promise<void> {
    let answer: unknown;
    try {
      answer = await withTimeout(this.provider.send('eth_chainId', []), CHAIN_ID_TIMEOUT_MS);
    } catch (error) {
      throw new OceanError('UNREACHABLE', `Cannot reach the RPC at ${describe(this.rpcUrl)}: ${shortReason(error)}. Check rpcUrl in the connection.`, { details: { field: 'rpcUrl' } });
    }
    const served = Number(answer);
    if (served !== this.chainId) {
      throw new OceanError('WRONG_CHAIN', `rpcUrl: ${describe(this.rpcUrl)} serves chain ${served}, but the connection is set to chain ${this.chainId}`, {
        details: { field: 'rpcUrl', expected: this.chainId, found: served },
      });
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The RPC URL without a path or query, which may hold an API key. */
function describe(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the RPC URL';
  }
}

export function shortReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== 'UNKNOWN_ERROR' ? `${code}: ${error.message.split(' (')[0]}` : (error.message.split(' (')[0] ?? error.message);
}
