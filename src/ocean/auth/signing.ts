import { getBytes, keccak256, toUtf8Bytes, type Wallet } from 'ethers';

/**
 * The request signature both backends verify: EIP-191 personal_sign over the 32 bytes of
 * keccak256(utf8(message)), v = 27/28 (protocol doc 3.1).
 */
export function signRequest(wallet: Wallet, message: string): Promise<string> {
  return wallet.signMessage(getBytes(keccak256(toUtf8Bytes(message))));
}
