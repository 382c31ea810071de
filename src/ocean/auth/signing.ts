import type { Wallet } from 'ethers';
import { loadEthers } from '../load-on-use';

/**
 * The request signature both backends verify: EIP-191 personal_sign over the 32 bytes of
 * keccak256(utf8(message)), v = 27/28 (protocol doc 3.1).
 */
export function signRequest(wallet: Wallet, message: string): Promise<string> {
  const { getBytes, keccak256, toUtf8Bytes } = loadEthers();
  return wallet.signMessage(getBytes(keccak256(toUtf8Bytes(message))));
}
