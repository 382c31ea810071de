import { getAddress, getBytes, keccak256, toUtf8Bytes, verifyMessage } from 'ethers';

/**
 * True when `signature` is the EIP-191 signature of keccak256(utf8(message)) by `address`, the
 * way both servers verify requests (Ocean Node also accepts a signature over the hex string).
 */
export function signedBy(address: string, message: string, signature: unknown): boolean {
  if (typeof signature !== 'string') return false;
  let expected: string;
  try {
    expected = getAddress(address);
  } catch {
    return false;
  }
  const hash = keccak256(toUtf8Bytes(message));
  for (const payload of [getBytes(hash), hash]) {
    try {
      if (verifyMessage(payload, signature) === expected) return true;
    } catch {
      // malformed signature: not signed by anyone
    }
  }
  return false;
}
