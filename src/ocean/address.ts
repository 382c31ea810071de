import { loadEthers } from './load-on-use';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A 0x address; one in mixed case must carry a valid EIP-55 checksum (checked with ethers, loaded then). */
export function isAddress(value: string): boolean {
  if (!HEX_ADDRESS.test(value)) return false;
  const digits = value.slice(2);
  if (digits === digits.toLowerCase() || digits === digits.toUpperCase()) return true;
  return loadEthers().isAddress(value);
}
