import { createHash, randomBytes } from 'node:crypto';
import { createVerifier, TokenError } from 'fast-jwt';
import { SignJWT } from 'jose';
import { isRole, type Role } from '../kernel/auth/permissions.js';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** Claims every access token must carry, or it is refused. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'iss', 'aud', 'sub', 'org'];
/** Verified tokens remembered per process (least recently used beyond this many). */
export const VERIFIED_TOKEN_CACHE_SIZE = 1000;

export interface AccessClaims {
  userId: string;
  organizationId: string;
  roles: Role[];
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Short-lived signed access tokens (JWT, HS256) and opaque refresh tokens stored only as hashes.
 *
 * Verification is fast-jwt's: HMAC over node:crypto, synchronous (no WebCrypto
 * job, no key import per request), and a bounded cache of verified tokens
 * (VERIFIED_TOKEN_CACHE_SIZE, keyed by a SHA-256 of the whole token) so the
 * next request with the same token skips the HMAC too. A cached token is
 * served only while `now <= exp` (fast-jwt bounds each entry by the token's
 * exp and checks it on every hit), so an expired token is refused with reason
 * 'expired' whether it was cached or not. Refusals are never cached.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly verifier: ((token: string) => Record<string, unknown>) & { cache: { size: number } | null };

  constructor(
    secret: string,
    private readonly audience: { issuer: string; audience: string },
  ) {
    this.key = new TextEncoder().encode(secret);
    this.verifier = createVerifier({
      key: Buffer.from(this.key),
      algorithms: ['HS256'],
      allowedIss: audience.issuer,
      allowedAud: audience.audience,
      requiredClaims: REQUIRED_CLAIMS,
      // iat must be a number, and no token lives longer than the ones we issue.
      maxAge: ACCESS_TOKEN_TTL_SECONDS * 1000,
      cache: VERIFIED_TOKEN_CACHE_SIZE,
      cacheTTL: ACCESS_TOKEN_TTL_SECONDS * 1000,
    }) as TokenService['verifier'];
  }

  /** How many verified tokens this process remembers now (at most VERIFIED_TOKEN_CACHE_SIZE). */
  get cachedTokens(): number {
    return this.verifier.cache?.size ?? 0;
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

  /** As `verify`, for callers that await. */
  verifyAccessToken(token: string): Promise<VerifyResult> {
    return Promise.resolve(this.verify(token));
  }

  /** Verifies an access token synchronously (a cache hit costs a SHA-256 of the token). */
  verify(token: string): VerifyResult {
    let payload: Record<string, unknown>;
    try {
      payload = this.verifier(token);
    } catch (error) {
      return { ok: false, reason: error instanceof TokenError && error.code === TokenError.codes.expired ? 'expired' : 'invalid' };
    }
    if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return { ok: false, reason: 'invalid' };
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
    return { ok: true, claims: { userId: payload.sub, organizationId: payload.org, roles } };
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
