import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService, VERIFIED_TOKEN_CACHE_SIZE } from '../../src/identity/tokens.js';

/**
 * Access-token verification on its own (no database): fast-jwt, synchronous
 * HS256 with a bounded cache of verified tokens that never outlives a token.
 */
const SECRET = 'unit-test-secret-unit-test-secret-0123456789';
const OWN = { issuer: 'health-graphql', audience: 'health-graphql-clients' };
const key = new TextEncoder().encode(SECRET);
const CLAIMS = { userId: 'u-1', organizationId: 'o-1', roles: ['NURSE' as const] };

afterEach(() => {
  vi.useRealTimers();
});

/** A token signed with our key; `omit` leaves standard claims out, `set` overrides them. */
async function token(
  options: { omit?: ('exp' | 'iat' | 'iss' | 'aud' | 'sub')[]; iss?: string; aud?: string; alg?: string; key?: Uint8Array; exp?: number; iat?: number; org?: unknown } = {},
) {
  const omit = new Set(options.omit ?? []);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ org: 'org' in options ? options.org : 'o-1', roles: ['NURSE'] }).setProtectedHeader({ alg: options.alg ?? 'HS256' });
  if (!omit.has('sub')) jwt = jwt.setSubject('u-1');
  if (!omit.has('iss')) jwt = jwt.setIssuer(options.iss ?? OWN.issuer);
  if (!omit.has('aud')) jwt = jwt.setAudience(options.aud ?? OWN.audience);
  if (!omit.has('iat')) jwt = jwt.setIssuedAt(options.iat ?? now);
  if (!omit.has('exp')) jwt = jwt.setExpirationTime(options.exp ?? now + 300);
  return jwt.sign(options.key ?? key);
}

describe('access-token verification', () => {
  it('accepts its own tokens, and the claims are the token\'s', async () => {
    const tokens = new TokenService(SECRET, OWN);
    const { token: own } = await tokens.issueAccessToken(CLAIMS);
    expect(await tokens.verifyAccessToken(own)).toEqual({ ok: true, claims: CLAIMS });
    // A second verification (served from the cache) answers the same.
    expect(tokens.verify(own)).toEqual({ ok: true, claims: CLAIMS });
    expect(tokens.verify(await token())).toEqual({ ok: true, claims: CLAIMS });
  });

  it('refuses a token without exp, iat, iss, aud, sub or org', async () => {
    const tokens = new TokenService(SECRET, OWN);
    for (const claim of ['exp', 'iat', 'iss', 'aud', 'sub'] as const) {
      expect(tokens.verify(await token({ omit: [claim] })), claim).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(tokens.verify(await token({ org: undefined }))).toEqual({ ok: false, reason: 'invalid' });
    expect(tokens.verify(await token({ org: 42 }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses another issuer, another audience, another key, another algorithm and an unsigned token', async () => {
    const tokens = new TokenService(SECRET, OWN);
    const refused = [
      await token({ iss: 'someone-else' }),
      await token({ aud: 'someone-else' }),
      await token({ key: new TextEncoder().encode('another-secret-another-secret-0123456789') }),
      await token({ alg: 'HS512' }),
      new UnsecuredJWT({ org: 'o-1', roles: ['NURSE'] })
        .setSubject('u-1')
        .setIssuer(OWN.issuer)
        .setAudience(OWN.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .encode(),
    ];
    const good = await token();
    const [header, payload] = good.split('.');
    refused.push(`${header}.${payload}.`, `${header}.${payload}`, `${header}.${payload}.${'A'.repeat(43)}`, 'not-a-token', '');
    // The same payload with an `alg: none` header and our signature kept.
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    refused.push(`${none}.${payload}.${good.split('.')[2]}`, `${none}.${payload}.`);
    for (const [i, t] of refused.entries()) expect(tokens.verify(t), `token ${i}`).toEqual({ ok: false, reason: 'invalid' });
    // Refusals are not cached: the good token still verifies, and a refused one stays refused.
    expect(tokens.verify(good).ok).toBe(true);
    expect(tokens.verify(refused[2]!)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses an expired token with reason expired, also once it was cached while valid', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-12-02T08:00:00.000Z');
    vi.setSystemTime(start);
    const tokens = new TokenService(SECRET, OWN);
    const { token: own, expiresAt } = await tokens.issueAccessToken(CLAIMS);
    expect(expiresAt.getTime()).toBe(start.getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000);
    expect(tokens.verify(own).ok).toBe(true);
    expect(tokens.cachedTokens).toBe(1);
    // Still valid the last millisecond of its life (served from the cache) ...
    vi.setSystemTime(expiresAt.getTime());
    expect(tokens.verify(own).ok).toBe(true);
    // ... and refused as expired right after, although it is in the cache.
    vi.setSystemTime(expiresAt.getTime() + 1);
    expect(tokens.verify(own)).toEqual({ ok: false, reason: 'expired' });
    expect(await tokens.verifyAccessToken(own)).toEqual({ ok: false, reason: 'expired' });
    // A token signed already expired, never seen before.
    expect(tokens.verify(await token({ iat: start.getTime() / 1000 - 120, exp: start.getTime() / 1000 - 60 }))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a token that would live longer than the ones it issues', async () => {
    const tokens = new TokenService(SECRET, OWN);
    const now = Math.floor(Date.now() / 1000);
    const old = await token({ iat: now - ACCESS_TOKEN_TTL_SECONDS - 60, exp: now + 3600 });
    expect(tokens.verify(old).ok).toBe(false);
  });

  it('remembers at most VERIFIED_TOKEN_CACHE_SIZE verified tokens', async () => {
    const tokens = new TokenService(SECRET, OWN);
    const count = VERIFIED_TOKEN_CACHE_SIZE + 200;
    const issued = await Promise.all(
      Array.from({ length: count }, (_, i) => tokens.issueAccessToken({ ...CLAIMS, userId: `u-${i}` }).then((t) => t.token)),
    );
    for (const [i, t] of issued.entries()) expect(tokens.verify(t).ok, `token ${i}`).toBe(true);
    expect(tokens.cachedTokens).toBe(VERIFIED_TOKEN_CACHE_SIZE);
    // The oldest, pushed out, still verifies (by its signature).
    expect(tokens.verify(issued[0]!)).toEqual({ ok: true, claims: { ...CLAIMS, userId: 'u-0' } });
  });
});
