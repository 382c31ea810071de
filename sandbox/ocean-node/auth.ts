import { isAddress } from 'ethers';
import type { SandboxContext } from '../context';
import { signedBy } from '../auth/signatures';
import { header, type SandboxRequest } from '../http/request';

export type AuthResult = { ok: true; address: string } | { ok: false; status: number; message: string };

const NO_AUTH = 'Invalid authentication, you need to provide either a token or an address, signature, message and nonce';

/**
 * Ocean Node's check of a signed command: an `Authorization` token, or a nonce strictly above
 * the stored one plus a signature over `address + nonce + command`. A passing check uses up
 * the nonce, whatever happens to the request afterwards.
 */
export function authenticate(ctx: SandboxContext, req: SandboxRequest, fields: Record<string, unknown>, command: string): AuthResult {
  const address = typeof fields.consumerAddress === 'string' ? fields.consumerAddress : undefined;
  const token = header(req, 'authorization');
  if (token !== undefined) {
    return ctx.tokens.verify(token) ? { ok: true, address: address ?? '' } : { ok: false, status: 401, message: 'Invalid token' };
  }
  const nonceText = fields.nonce === undefined ? undefined : String(fields.nonce);
  if (!address || nonceText === undefined || fields.signature === undefined) return { ok: false, status: 401, message: NO_AUTH };
  return checkNonceAndSignature(ctx, address, nonceText, fields.signature, command);
}

export function checkNonceAndSignature(ctx: SandboxContext, address: string, nonceText: string, signature: unknown, command: string): AuthResult {
  const parsed = Number.parseInt(nonceText, 10);
  if (!Number.isFinite(parsed) || !isAddress(address)) return { ok: false, status: 401, message: 'consumer address and nonce signature mismatch' };
  const nonce = BigInt(parsed);
  if (!ctx.nonces.accepts(address, nonce)) return { ok: false, status: 401, message: `nonce: ${nonce} is not a valid nonce` };
  if (!signedBy(address, `${address}${nonce}${command}`, signature)) {
    return { ok: false, status: 401, message: 'consumer address and nonce signature mismatch' };
  }
  ctx.nonces.use(address, nonce);
  return { ok: true, address };
}
