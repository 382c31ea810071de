import { getAddress } from 'ethers';

/** Narrowing for values decoded by ethers (typed `any` by the library). */
export function asBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new Error(`${what}: expected an integer, got ${typeof value}`);
}

export function asAddress(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected an address, got ${typeof value}`);
  return getAddress(value);
}

export function asHex(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]*$/.test(value)) throw new Error(`${what}: expected hex, got ${String(value)}`);
  return value.toLowerCase();
}

export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
