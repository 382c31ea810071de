import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context';
import { expressJson } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { checkNonceAndSignature } from './auth';

function fields(req: SandboxRequest): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}

/** POST /api/services/auth/token: signed `createAuthToken`; errors as `{"error": ...}`. */
export function createToken(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const body = fields(req);
  if (typeof body.address !== 'string' || body.nonce === undefined || body.signature === undefined) {
    expressJson(res, 400, { error: 'Missing required parameters' });
    return;
  }
  const auth = checkNonceAndSignature(ctx, body.address, String(body.nonce), body.signature, 'createAuthToken');
  if (!auth.ok) {
    expressJson(res, auth.status, { error: auth.message });
    return;
  }
  const validUntil = Number(body.validUntil);
  expressJson(res, 200, { token: ctx.tokens.issue(body.address, String(body.nonce), Number.isFinite(validUntil) && validUntil > 0 ? validUntil : undefined) });
}

/** POST /api/services/auth/token/invalidate: signed `invalidateAuthToken`. */
export function invalidateToken(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const body = fields(req);
  if (typeof body.address !== 'string' || body.nonce === undefined || body.signature === undefined || typeof body.token !== 'string') {
    expressJson(res, 400, { error: 'Missing required parameters' });
    return;
  }
  const auth = checkNonceAndSignature(ctx, body.address, String(body.nonce), body.signature, 'invalidateAuthToken');
  if (!auth.ok) {
    expressJson(res, auth.status, { error: auth.message });
    return;
  }
  ctx.tokens.revoke(body.token);
  expressJson(res, 200, { success: true });
}
