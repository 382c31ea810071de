import { createHash } from 'node:crypto';
import { Contract, toUtf8Bytes, type BaseWallet } from 'ethers';
import { abi } from './artifacts';
import { escrowFunds, type EscrowFunds } from './escrow-read';
import { managedSigner, providerOf } from './rpc';
import { send } from './tx';

/** The uint256 Ocean Node locks a job under: sha256 of the job id string. */
export function escrowJobId(jobId: string | bigint): bigint {
  if (typeof jobId === 'bigint') return jobId;
  return BigInt(`0x${createHash('sha256').update(jobId).digest('hex')}`);
}

export interface EscrowLockRequest {
  /** A job id string (hashed as Ocean Node does) or the uint256 itself. */
  jobId: string | bigint;
  token: string;
  payer: string;
  /** Token base units. */
  amount: bigint;
  /**
   * Seconds the lock lasts: the contract checks it against the authorization's maxLockSeconds
   * and stores block time + expiry.
   */
  expiry: bigint;
}

export interface EscrowLockResult {
  txHash: string;
  jobId: bigint;
}

/**
 * Node side: `Escrow.createLock` sent by the payee. Checked first with view calls, and refused
 * with Ocean Node's own messages, as the node does before it sends.
 */
export async function createEscrowLock(payee: BaseWallet, escrowAddress: string, request: EscrowLockRequest): Promise<EscrowLockResult> {
  const funds = await escrowFunds(providerOf(payee), escrowAddress, request.payer, request.token, payee.address);
  const refusal = escrowLockRefusal(funds, request.amount, request.expiry);
  if (refusal) throw new Error(refusal);
  const jobId = escrowJobId(request.jobId);
  const signer = managedSigner(payee);
  const escrow = new Contract(escrowAddress, abi('Escrow'), signer);
  const receipt = await send(escrow, 'createLock', [jobId, request.token, request.payer, request.amount, request.expiry], signer);
  return { txHash: receipt.hash, jobId };
}

/** Why Ocean Node would not create this lock, in its words; null when it would. */
export function escrowLockRefusal(funds: EscrowFunds, amount: bigint, expiry: bigint): string | null {
  if (funds.available < amount) return `User ${funds.payer} does not have enough funds`;
  const auth = funds.authorization;
  if (!auth) return 'No escrow auths found';
  if (auth.currentLockedAmount + amount > auth.maxLockedAmount) return 'No valid escrow auths found(will go over limit)';
  if (auth.maxLockSeconds < expiry) return 'No valid escrow auths found(maxLockSeconds too low)';
  if (auth.currentLocks + 1n > auth.maxLockCounts) return 'No valid escrow auths found(too many active locks)';
  return null;
}

export interface EscrowClaimRequest {
  jobId: string | bigint;
  token: string;
  payer: string;
  /** What the job cost, at most the locked amount; the rest goes back to the payer's available funds. */
  amount: bigint;
  /** Job proof, sent as UTF-8 bytes like Ocean Node does; default empty. */
  proof?: string;
  /** true (default, as Ocean Node): claimLockAndWithdraw; false: claimLock, keeping the payout in escrow. */
  withdraw?: boolean;
}

/** Node side: claims a lock after the job. An expired lock is cancelled by the contract instead. */
export async function claimEscrowLock(payee: BaseWallet, escrowAddress: string, request: EscrowClaimRequest): Promise<string> {
  const signer = managedSigner(payee);
  const escrow = new Contract(escrowAddress, abi('Escrow'), signer);
  const method = request.withdraw === false ? 'claimLock' : 'claimLockAndWithdraw';
  const receipt = await send(escrow, method, [escrowJobId(request.jobId), request.token, request.payer, request.amount, toUtf8Bytes(request.proof ?? '')], signer);
  return receipt.hash;
}
