import type { SandboxContext } from '../context';
import { signedBy } from '../auth/signatures';

/** flask-sieve's answer to a request that fails validation (protocol doc 12.1). */
export function sieveError(errors: Record<string, string[]>): { message: string; errors: Record<string, string[]>; success: boolean } {
  return { message: 'Validation error', errors, success: false };
}

export function required(fields: Record<string, unknown>, names: string[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const name of names) {
    const value = name.split('.').reduce<unknown>((obj, key) => (obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined), fields);
    if (value === undefined || value === null || value === '') errors[name] = [`The ${name} field is required.`];
  }
  return errors;
}

/**
 * The Provider's signature rule: nonce numeric and not below the stored one (an equal nonce
 * passes), signature over `message` by the consumer. Stores the nonce when it passes.
 */
export function checkSignature(ctx: SandboxContext, address: string, nonce: unknown, signature: unknown, message: (nonce: string) => string): Record<string, string[]> | undefined {
  const text = String(nonce ?? '');
  if (!/^\d+(\.\d+)?$/.test(text)) return { nonce: ['The nonce must be numeric.'] };
  const value = BigInt(text.split('.')[0] ?? '0');
  const stored = ctx.nonces.current(address, 1n);
  if (value < stored) return { signature: [`Invalid signature expected nonce (${stored}) > current nonce (${value}).`] };
  if (!signedBy(address, message(text), signature)) return { signature: ['Invalid signature provided. Please check the nonce or documentId.'] };
  ctx.nonces.use(address, value);
  return undefined;
}
