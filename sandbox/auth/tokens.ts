import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

interface TokenClaims {
  address: string;
  nonce: string;
  createdAt: number;
  validUntil?: number;
  iat: number;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Ocean Node's auth tokens: HS256 JWTs holding {address, nonce, createdAt, iat}, revocable. */
export class TokenIssuer {
  private readonly secret = randomBytes(32);
  private readonly revoked = new Set<string>();

  issue(address: string, nonce: string, validUntil?: number): string {
    const now = Date.now();
    const claims: TokenClaims = { address, nonce, createdAt: now, iat: Math.floor(now / 1000), ...(validUntil ? { validUntil } : {}) };
    const head = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    return `${head}.${this.sign(head)}`;
  }

  /** The token's claims when it is genuine, not revoked and not expired; else undefined. */
  verify(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || this.revoked.has(token)) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2] ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as TokenClaims;
      if (claims.validUntil !== undefined && claims.validUntil < Date.now()) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  private sign(head: string): string {
    return createHmac('sha256', this.secret).update(head).digest('base64url');
  }
}
