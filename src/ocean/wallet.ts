import { Wallet } from 'ethers';
import { OceanError } from './errors';

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

function keyError(problem: string): OceanError {
  return new OceanError('INVALID_CONFIG', `privateKey: expected a 32-byte hex private key (64 hex digits, optional 0x), ${problem}`, {
    details: { field: 'privateKey' },
  });
}

/** Turns the credential into a signer. Errors describe the key's shape, never its characters. */
export function walletFromPrivateKey(key: string): Wallet {
  const trimmed = key.trim();
  if (trimmed.length === 0) throw keyError('got nothing');
  if (!PRIVATE_KEY.test(trimmed)) throw keyError(`got ${trimmed.length} characters that are not one`);
  try {
    return new Wallet(trimmed.startsWith('0x') ? trimmed : `0x${trimmed}`);
  } catch {
    throw keyError('got a value outside the valid key range');
  }
}
