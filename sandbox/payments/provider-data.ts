import { hexlify, toUtf8Bytes, toUtf8String } from 'ethers';

/** The JSON inside a provider fee's `providerData`, as hex of its compact UTF-8 text. */
export function encodeProviderData(data: Record<string, unknown>): string {
  return hexlify(toUtf8Bytes(JSON.stringify(data)));
}

/** The object a `providerData` holds; undefined when it is no JSON object. */
export function decodeProviderData(hex: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(toUtf8String(hex));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the fee names this datatoken and service, as both servers require. */
export function namesService(data: Record<string, unknown> | undefined, datatoken: string, serviceId: string): boolean {
  return data !== undefined && typeof data.dt === 'string' && data.dt.toLowerCase() === datatoken.toLowerCase() && data.id === serviceId;
}

export const nowSeconds = (): number => Date.now() / 1000;
