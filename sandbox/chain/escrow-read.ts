import { Contract, Result, ZeroAddress, type Provider } from 'ethers';
import { abi } from './artifacts';
import { withProvider } from './rpc';
import { asAddress, asBigInt, sameAddress } from './values';

/** One `Escrow.auth` entry: what a payer allows one payee to lock. */
export interface EscrowAuthorization {
  payee: string;
  maxLockedAmount: bigint;
  currentLockedAmount: bigint;
  maxLockSeconds: bigint;
  maxLockCounts: bigint;
  currentLocks: bigint;
}

/** One `Escrow.lock` entry as `getLocks` returns it in contracts 2.6.0 (no payee field). */
export interface EscrowLock {
  jobId: bigint;
  payer: string;
  amount: bigint;
  /** Absolute unix time: block time of createLock plus its `expiry` seconds. */
  expiry: bigint;
  token: string;
}

export interface EscrowFunds {
  payer: string;
  token: string;
  /** Deposited and not locked: what new locks can take. */
  available: bigint;
  locked: bigint;
  /** Every payee the payer authorized for this token. */
  authorizations: EscrowAuthorization[];
  /** The authorization of the payee asked about; null when none was asked or none exists. */
  authorization: EscrowAuthorization | null;
  /** The payer's locks in this token. */
  locks: EscrowLock[];
}

/** Reads a payer's escrow position in `token` with view calls only (never sends a transaction). */
export async function escrowFunds(rpc: string | Provider, escrowAddress: string, payer: string, token: string, payee?: string): Promise<EscrowFunds> {
  return withProvider(rpc, async (provider) => {
    const escrow = new Contract(escrowAddress, abi('Escrow'), provider);
    const [funds, auths, locks] = await Promise.all([
      escrow.getFunction('getUserFunds').staticCall(payer, token),
      escrow.getFunction('getAuthorizations').staticCall(token, payer, ZeroAddress),
      // getLocks' filters are ORed in the contract, so filter again here.
      escrow.getFunction('getLocks').staticCall(token, payer, payee ?? ZeroAddress),
    ]);
    const authorizations = entries(auths, 'getAuthorizations').map(toAuthorization);
    return {
      payer: asAddress(payer, 'payer'),
      token: asAddress(token, 'token'),
      available: asBigInt(field(funds, 'available'), 'getUserFunds.available'),
      locked: asBigInt(field(funds, 'locked'), 'getUserFunds.locked'),
      authorizations,
      authorization: (payee && authorizations.find((auth) => sameAddress(auth.payee, payee))) || null,
      locks: entries(locks, 'getLocks')
        .map(toLock)
        .filter((lock) => sameAddress(lock.payer, payer) && sameAddress(lock.token, token)),
    };
  });
}

function toAuthorization(entry: Result): EscrowAuthorization {
  return {
    payee: asAddress(field(entry, 'payee'), 'auth.payee'),
    maxLockedAmount: asBigInt(field(entry, 'maxLockedAmount'), 'auth.maxLockedAmount'),
    currentLockedAmount: asBigInt(field(entry, 'currentLockedAmount'), 'auth.currentLockedAmount'),
    maxLockSeconds: asBigInt(field(entry, 'maxLockSeconds'), 'auth.maxLockSeconds'),
    maxLockCounts: asBigInt(field(entry, 'maxLockCounts'), 'auth.maxLockCounts'),
    currentLocks: asBigInt(field(entry, 'currentLocks'), 'auth.currentLocks'),
  };
}

function toLock(entry: Result): EscrowLock {
  return {
    jobId: asBigInt(field(entry, 'jobId'), 'lock.jobId'),
    payer: asAddress(field(entry, 'payer'), 'lock.payer'),
    amount: asBigInt(field(entry, 'amount'), 'lock.amount'),
    expiry: asBigInt(field(entry, 'expiry'), 'lock.expiry'),
    token: asAddress(field(entry, 'token'), 'lock.token'),
  };
}

function entries(value: unknown, what: string): Result[] {
  if (!(value instanceof Result)) throw new Error(`${what}: expected a list of structs`);
  return value.toArray(false).map((entry: unknown) => {
    if (!(entry instanceof Result)) throw new Error(`${what}: expected a struct`);
    return entry;
  });
}

function field(struct: unknown, name: string): unknown {
  if (!(struct instanceof Result)) throw new Error(`expected a struct holding ${name}`);
  return struct.getValue(name);
}
