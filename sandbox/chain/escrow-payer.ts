import { Contract, type BaseWallet } from 'ethers';
import { abi } from './artifacts';
import { approveToken } from './erc20';
import { managedSigner } from './rpc';
import { send } from './tx';

/** Payer side: approves `amount` of `token` to the escrow and deposits it. Resolves with the deposit tx hash. */
export async function escrowDeposit(payer: BaseWallet, escrowAddress: string, token: string, amount: bigint): Promise<string> {
  const signer = managedSigner(payer);
  await approveToken(signer, token, escrowAddress, amount);
  const receipt = await send(new Contract(escrowAddress, abi('Escrow'), signer), 'deposit', [token, amount], signer);
  return receipt.hash;
}

export interface EscrowAuthorizationTerms {
  token: string;
  /** For compute, the environment's consumerAddress (the node's address). */
  payee: string;
  /** Most the payee may hold locked at once. */
  maxLockedAmount: bigint;
  /** Longest lock, in seconds; at least initializeCompute's `minLockSeconds`. */
  maxLockSeconds: bigint;
  /** Most locks the payee may hold at once. */
  maxLockCounts: bigint;
}

/** Payer side: `Escrow.authorize` (replaces an earlier authorization of the same payee). */
export async function escrowAuthorize(payer: BaseWallet, escrowAddress: string, terms: EscrowAuthorizationTerms): Promise<string> {
  const signer = managedSigner(payer);
  const escrow = new Contract(escrowAddress, abi('Escrow'), signer);
  const receipt = await send(escrow, 'authorize', [terms.token, terms.payee, terms.maxLockedAmount, terms.maxLockSeconds, terms.maxLockCounts], signer);
  return receipt.hash;
}
