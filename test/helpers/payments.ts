import { getBytes, keccak256, toUtf8Bytes, type BaseWallet } from 'ethers';

/** A request signature as both servers check it: EIP-191 over keccak256 of the UTF-8 message. */
export function signRequest(wallet: BaseWallet, message: string): Promise<string> {
  return wallet.signMessage(getBytes(keccak256(toUtf8Bytes(message))));
}

let lastNonce = 0;
/** A nonce above any used before in this process (both servers accept a millisecond time). */
export function nextNonce(): number {
  lastNonce = Math.max(lastNonce + 1, Date.now());
  return lastNonce;
}

export interface Answer {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Polls until `check` holds (bounded), resolving with the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, tries = 100, intervalMs = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} did not happen within ${(tries * intervalMs) / 1000} s`);
}
