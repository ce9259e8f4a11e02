import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { isRole, type Role } from '../kernel/auth/permissions.js';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** Claims every access token must carry, or it is refused. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'iss', 'aud', 'sub'];

export interface AccessClaims {
  userId: string;
  organizationId: string;
  roles: Role[];
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** Short-lived signed access tokens (JWT, HS256) and opaque refresh tokens stored only as hashes. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly audience: { issuer: string; audience: string },
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issueAccessToken(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({ org: claims.organizationId, roles: claims.roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(this.audience.issuer)
      .setAudience(this.audience.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verifyAccessToken(token: string): Promise<VerifyResult> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: this.audience.issuer,
        audience: this.audience.audience,
        requiredClaims: REQUIRED_CLAIMS,
        algorithms: ['HS256'],
      });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return { ok: false, reason: 'invalid' };
      return { ok: true, claims: { userId: payload.sub, organizationId: payload.org, roles } };
    } catch (error) {
      return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/** A new opaque refresh token; only its hash is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
