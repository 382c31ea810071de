import type { Wallet } from 'ethers';
import { OceanError } from './errors';
import { loadEthers } from './load-on-use';

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

function keyError(problem: string): OceanError {
  return new OceanError('INVALID_CONFIG', `privateKey: expected a 32-byte hex private key (64 hex digits, optional 0x), ${problem}`, {
    details: { field: 'privateKey' },
  });
}

/** The credential's shape, checked without loading ethers; answers the key with its 0x. Errors never show its characters. */
export function checkPrivateKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length === 0) throw keyError('got nothing');
  if (!PRIVATE_KEY.test(trimmed)) throw keyError(`got ${trimmed.length} characters that are not one`);
  return trimmed.startsWith('0x') ? trimmed : `0x${trimmed}`;
}

/** Turns the credential into a signer. */
export function walletFromPrivateKey(key: string): Wallet {
  const checked = checkPrivateKey(key);
  try {
    return new (loadEthers().Wallet)(checked);
  } catch {
    throw keyError('got a value outside the valid key range');
  }
}
