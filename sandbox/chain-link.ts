import type { JsonRpcProvider, Wallet } from 'ethers';
import { jsonRpcProvider } from './chain/rpc';
import type { SandboxChainOptions } from './options';

/** Longest a chain read or a transaction may take before the request it serves fails. */
const CALL_TIMEOUT_MS = 15_000;
/** Longest close() waits for background settlements (escrow claims). */
const CLOSE_WAIT_MS = 20_000;

/** A chain call that failed or took too long: the request gets a 500, the server lives on. */
export class ChainError extends Error {}

function bounded<T>(what: string, work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ChainError(`${what}: no answer from the chain within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function asChainError(what: string, error: unknown): ChainError {
  if (error instanceof ChainError) return error;
  return new ChainError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

/** The sandbox's connection to its chain: bounded reads, one-at-a-time node transactions, background work. */
export class ChainLink {
  readonly rpcUrl: string;
  readonly escrowAddress: string;
  readonly provider: JsonRpcProvider;
  /** The node / Provider key, connected: signs fees, creates and claims escrow locks. */
  private readonly node: Wallet;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();

  constructor(options: SandboxChainOptions, chainId: number, nodeKey: Wallet) {
    this.rpcUrl = options.rpcUrl;
    this.escrowAddress = options.escrowAddress;
    this.provider = jsonRpcProvider(options.rpcUrl, chainId);
    this.node = nodeKey.connect(this.provider);
  }

  /** A read (or any chain work) that must finish within the bound. */
  async read<T>(what: string, work: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
    try {
      return await bounded(what, work(this.provider), CALL_TIMEOUT_MS);
    } catch (error) {
      throw asChainError(what, error);
    }
  }

  /**
   * Transactions of the node's key, one after the other: two at once would read the same
   * account nonce and one of them would be refused.
   */
  async send<T>(what: string, work: (node: Wallet) => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => bounded(what, work(this.node), CALL_TIMEOUT_MS));
    this.queue = turn.catch(() => undefined);
    try {
      return await turn;
    } catch (error) {
      throw asChainError(what, error);
    }
  }

  /** Work that outlives a request (a claim after the job ends); close() waits for it. */
  background(work: Promise<void>): void {
    const tracked = work.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async close(): Promise<void> {
    const waiting = Promise.all([...this.pending]);
    await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    this.provider.destroy();
  }
}
