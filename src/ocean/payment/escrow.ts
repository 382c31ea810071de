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

/**
 * Makes the escrow ready for one paid Ocean Node job: deposits what the wallet's escrow funds
 * lack (within `maxDeposit`) and authorises the node to lock the job's cost, then the node
 * locks it when the job starts (protocol doc 6.3).
 */
export async function prepareEscrow(chain: ChainAccess, quote: EscrowQuote, limits: EscrowLimits, receiptTimeoutMs: number): Promise<void> {
  const amount = BigInt(quote.amount);
  const escrow = new Contract(quote.escrowAddress, ESCROW_ABI, chain.signer);
  await chain.queue.run(async () => {
    const funds = (await escrow.getFunction('getUserFunds')(chain.address, quote.token)) as { available: bigint };
    const missing = amount - funds.available;
    if (missing > 0n) await deposit(chain, escrow, quote, missing, limits, receiptTimeoutMs);
    const auths = (await escrow.getFunction('getAuthorizations')(quote.token, chain.address, quote.payee)) as Authorization[];
    const auth = auths.find((a) => a.payee.toLowerCase() === quote.payee.toLowerCase());
    if (covers(auth, amount, quote.minLockSeconds)) return;
    const jobs = BigInt(Math.max(1, limits.authorizeJobs ?? 1));
    const locked = auth?.currentLockedAmount ?? 0n;
    const locks = auth?.currentLocks ?? 0n;
    await sendTransaction(
      escrow,
      'authorize',
      [quote.token, quote.payee, locked + amount * jobs, BigInt(quote.minLockSeconds), locks + jobs],
      `authorise the node ${quote.payee} to lock the job's payment`,
      receiptTimeoutMs,
    );
  });
}

function covers(auth: Authorization | undefined, amount: bigint, minLockSeconds: number): boolean {
  return (
    auth !== undefined &&
    auth.maxLockedAmount - auth.currentLockedAmount >= amount &&
    auth.maxLockSeconds >= BigInt(minLockSeconds) &&
    auth.currentLocks < auth.maxLockCounts
  );
}

async function deposit(chain: ChainAccess, escrow: Contract, quote: EscrowQuote, missing: bigint, limits: EscrowLimits, receiptTimeoutMs: number): Promise<void> {
  const limit = limits.maxDeposit ?? missing;
  if (missing > limit) {
    throw new OceanError('PAYMENT_LIMIT', `The job costs ${formatUnits(BigInt(quote.amount), 18)}; the escrow lacks ${formatUnits(missing, 18)}, more than the ${formatUnits(limit, 18)} the connection may deposit per job`, {
      details: { needed: formatUnits(missing, 18), limit: formatUnits(limit, 18), token: quote.token },
    });
  }
  const token = new Contract(quote.token, ERC20_ABI, chain.signer);
  const balance = (await token.getFunction('balanceOf')(chain.address)) as bigint;
  if (balance < missing) {
    throw new OceanError('INSUFFICIENT_FUNDS', `The job needs ${formatUnits(missing, 18)} more of token ${quote.token} in the escrow; wallet ${chain.address} holds ${formatUnits(balance, 18)}`, {
      details: { needed: formatUnits(missing, 18), available: formatUnits(balance, 18), token: quote.token },
    });
  }
  const allowance = (await token.getFunction('allowance')(chain.address, quote.escrowAddress)) as bigint;
  if (allowance < missing) await sendTransaction(token, 'approve', [quote.escrowAddress, missing], 'allow the escrow deposit', receiptTimeoutMs);
  await sendTransaction(escrow, 'deposit', [quote.token, missing], 'deposit into the escrow', receiptTimeoutMs);
}
