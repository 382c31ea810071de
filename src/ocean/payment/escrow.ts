import { Contract, formatUnits } from 'ethers';
import { OceanError } from '../errors';
import { ERC20_ABI, ESCROW_ABI } from './abi';
import type { ChainAccess } from './chain';
import { sendTransaction } from './transactions';
import type { EscrowLimits, EscrowQuote } from './types';

interface Authorization {
  payee: string;
  maxLockedAmount: bigint;
  currentLockedAmount: bigint;
  maxLockSeconds: bigint;
  maxLockCounts: bigint;
  currentLocks: bigint;
}

interface Held {
  amount: bigint;
  locks: bigint;
}

/**
 * Escrow funds and lock room promised to starts of this wallet that the node has not locked yet.
 * Until a start's answer comes, its price still shows as available: without this, two starts at
 * once would both count on the same deposit, and the second lock would fail.
 */
export class EscrowHolds {
  private readonly byToken = new Map<string, Held>();

  held(token: string): Held {
    return this.byToken.get(token.toLowerCase()) ?? { amount: 0n, locks: 0n };
  }

  /** Holds `amount` (and one lock) for a start; the returned function lets go once the start has its answer. */
  hold(token: string, amount: bigint): () => void {
    const key = token.toLowerCase();
    const current = this.held(key);
    this.byToken.set(key, { amount: current.amount + amount, locks: current.locks + 1n });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.held(key);
      this.byToken.set(key, { amount: now.amount - amount, locks: now.locks - 1n });
    };
  }
}

/**
 * Makes the escrow ready for one paid Ocean Node job: deposits what the wallet's escrow funds
 * lack (within `maxDeposit`), counting what other starts in flight will lock, and authorises the
 * node to lock the job's cost; the node locks it when the job starts (protocol doc 6.3).
 * Resolves with the function that releases this start's hold once its answer is in.
 */
export async function prepareEscrow(chain: ChainAccess, quote: EscrowQuote, limits: EscrowLimits, receiptTimeoutMs: number): Promise<() => void> {
  const amount = BigInt(quote.amount);
  const escrow = new Contract(quote.escrowAddress, ESCROW_ABI, chain.signer);
  return chain.queue.run(async () => {
    const held = chain.escrowHolds.held(quote.token);
    const funds = (await escrow.getFunction('getUserFunds')(chain.address, quote.token)) as { available: bigint };
    const missing = amount + held.amount - funds.available;
    if (missing > 0n) await deposit(chain, escrow, quote, missing, limits, receiptTimeoutMs);
    const auths = (await escrow.getFunction('getAuthorizations')(quote.token, chain.address, quote.payee)) as Authorization[];
    const auth = auths.find((a) => a.payee.toLowerCase() === quote.payee.toLowerCase());
    const needed = { amount: amount + held.amount, locks: held.locks + 1n };
    if (!covers(auth, needed, quote.minLockSeconds)) {
      const extraJobs = BigInt(Math.max(1, limits.authorizeJobs ?? 1)) - 1n;
      const locked = auth?.currentLockedAmount ?? 0n;
      const locks = auth?.currentLocks ?? 0n;
      const lockSeconds = auth && auth.maxLockSeconds > BigInt(quote.minLockSeconds) ? auth.maxLockSeconds : BigInt(quote.minLockSeconds);
      await sendTransaction(
        escrow,
        'authorize',
        [quote.token, quote.payee, locked + needed.amount + amount * extraJobs, lockSeconds, locks + needed.locks + extraJobs],
        `authorise the node ${quote.payee} to lock the job's payment`,
        receiptTimeoutMs,
      );
    }
    return chain.escrowHolds.hold(quote.token, amount);
  });
}

function covers(auth: Authorization | undefined, needed: Held, minLockSeconds: number): boolean {
  return (
    auth !== undefined &&
    auth.maxLockedAmount - auth.currentLockedAmount >= needed.amount &&
    auth.maxLockSeconds >= BigInt(minLockSeconds) &&
    auth.currentLocks + needed.locks <= auth.maxLockCounts
  );
}

async function deposit(chain: ChainAccess, escrow: Contract, quote: EscrowQuote, missing: bigint, limits: EscrowLimits, receiptTimeoutMs: number): Promise<void> {
  const limit = limits.maxDeposit ?? missing;
  const decimals = await chain.decimals(quote.token);
  const units = (value: bigint): string => formatUnits(value, decimals);
  if (missing > limit) {
    throw new OceanError('PAYMENT_LIMIT', `The job costs ${units(BigInt(quote.amount))}; the escrow lacks ${units(missing)}, more than the ${units(limit)} the connection may deposit per job`, {
      details: { needed: units(missing), limit: units(limit), token: quote.token },
    });
  }
  const token = new Contract(quote.token, ERC20_ABI, chain.signer);
  const balance = (await token.getFunction('balanceOf')(chain.address)) as bigint;
  if (balance < missing) {
    throw new OceanError('INSUFFICIENT_FUNDS', `The job needs ${units(missing)} more of token ${quote.token} in the escrow; wallet ${chain.address} holds ${units(balance)}`, {
      details: { needed: units(missing), available: units(balance), token: quote.token },
    });
  }
  const allowance = (await token.getFunction('allowance')(chain.address, quote.escrowAddress)) as bigint;
  if (allowance < missing) await sendTransaction(token, 'approve', [quote.escrowAddress, missing], 'allow the escrow deposit', receiptTimeoutMs);
  await sendTransaction(escrow, 'deposit', [quote.token, missing], 'deposit into the escrow', receiptTimeoutMs);
}
