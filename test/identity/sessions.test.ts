import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { during, expectInSpan } from '../helpers/clock.js';
import { loginDocument, postFrom } from '../helpers/from-address.js';
import { createOrganization, login, TEST_PASSWORD, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let org: TestOrganization;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_DELAY_BASE_SECONDS: '600' });
  org = await createOrganization(app.admin, 'north');
});
afterAll(() => app.close());

const ME = `{ me { id userId email roles active } }`;
const REFRESH = `mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken user { email } } }`;
const LOGOUT = `mutation($t: String!) { logout(input: { refreshToken: $t }) { revoked } }`;

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await app.admin<{ action: string }[]>`
    select action from audit_log where entity_id = ${entityId} order by occurred_at, action`;
  return rows.map((r) => r.action);
}

describe('login', () => {
  it('returns an access token that identifies the user, and audits the sign-in', async () => {
    const { value: res, span } = await during(() =>
      app.gql(
        `mutation($i: LoginInput!) { login(input: $i) { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { email roles } organization { slug } } }`,
        { i: { email: org.users.PHYSICIAN.email.toUpperCase(), password: TEST_PASSWORD } },
      ),
    );
    expect(res.errors).toBeUndefined();
    const payload = res.data!.login;
    expect(payload.user).toEqual({ email: org.users.PHYSICIAN.email, roles: ['PHYSICIAN'] });
    expect(payload.organization.slug).toBe('north');
    // 15 minutes and 24 hours after the sign-in.
    expectInSpan(payload.accessTokenExpiresAt, span, 15 * 60_000);
    expectInSpan(payload.refreshTokenExpiresAt, span, 24 * 3600_000);

    const me = await app.gql(ME, {}, payload.accessToken);
    expect(me.data?.me).toMatchObject({ userId: org.users.PHYSICIAN.id, roles: ['PHYSICIAN'], active: true });
    expect(await auditActions(org.users.PHYSICIAN.id)).toContain('auth.login.success');
    const [stored] = await app.admin<{ tokenHash: string }[]>`
      select token_hash as "tokenHash" from refresh_tokens where user_id = ${org.users.PHYSICIAN.id} limit 1`;
    expect(stored!.tokenHash).not.toBe(payload.refreshToken); // only the hash is stored
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await app.gql(`mutation { login(input: { email: "${org.users.NURSE.email}", password: "nope-nope-nope" }) { accessToken } }`);
    const unknown = await app.gql(`mutation { login(input: { email: "ghost@north.test", password: "nope-nope-nope" }) { accessToken } }`);
    expect(wrong.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    expect(await auditActions(org.users.NURSE.id)).toContain('auth.login.failure');
  });

  it('five wrong passwords make that address wait, even with the right password; another address still gets in', async () => {
    const email = org.users.BILLING.email;
    const attempt = (password: string, from: string) => postFrom(app.api.url, from, loginDocument(email, password));
    for (let i = 0; i < 5; i++) {
      const res = await attempt(`wrong-password-${i}`, '127.0.0.1');
      expect(res.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    // The guessing address waits (LOGIN_DELAY_BASE_SECONDS = 600 here), right password or not: 429 + Retry-After.
    const waiting = await attempt(TEST_PASSWORD, '127.0.0.1');
    expect(waiting.status).toBe(429);
    expect(waiting.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    const retryAfter = Number(waiting.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(waiting.body.errors?.[0]?.extensions.retryAfterSeconds).toBe(retryAfter);
    // The owner, elsewhere, is not locked out.
    const owner = await attempt(TEST_PASSWORD, '127.0.0.2');
    expect(owner.status).toBe(200);
    expect(owner.body.data?.login?.accessToken).toEqual(expect.any(String));
    // Once the wait is over the right password works from the first address too, and forgives its failures:
    await app.admin`update rate_limits set expire = 0 where key like 'login_wait_pair:%'`;
    expect((await attempt(TEST_PASSWORD, '127.0.0.1')).body.data?.login?.accessToken).toEqual(expect.any(String));
    expect((await attempt('wrong-again', '127.0.0.1')).body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await attempt(TEST_PASSWORD, '127.0.0.1')).status).toBe(200);
    // No account lock is written any more.
    const [user] = await app.admin<{ lockedUntil: Date | null }[]>`
      select locked_until as "lockedUntil" from users where id = ${org.users.BILLING.id}`;
    expect(user!.lockedUntil).toBeNull();
  });
});

describe('access tokens', () => {
  it('refuses a missing, malformed, forged or expired token', async () => {
    expect((await app.gql(ME)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(ME, {}, 'garbage')).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const forged = await new SignJWT({ org: org.id, roles: ['ORG_ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(org.users.FRONT_DESK.id)
      .setIssuer('health-graphql')
      .setAudience('health-graphql')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect((await app.gql(ME, {}, forged)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const expired = await new SignJWT({ org: org.id, roles: ['FRONT_DESK'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(org.users.FRONT_DESK.id)
      .setIssuer('health-graphql')
      .setAudience('health-graphql')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const res = await app.gql(ME, {}, expired);
    expect(res.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toMatch(/expired/);
  });

  it('refuses a correctly signed token without exp, iat, iss or aud, or naming another issuer or audience', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'health-graphql', aud: 'health-graphql', iat: now, exp: now + 600 };
    const variants: Record<string, Record<string, unknown>> = {
      'no exp': { ...claims, exp: undefined },
      'no iat': { ...claims, iat: undefined },
      'no iss': { ...claims, iss: undefined },
      'no aud': { ...claims, aud: undefined },
      'another issuer': { ...claims, iss: 'someone-else' },
      'another audience': { ...claims, aud: 'another-api' },
    };
    const sign = (c: Record<string, unknown>) =>
      new SignJWT({ org: org.id, roles: ['FRONT_DESK'], ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(org.users.FRONT_DESK.id)
        .sign(key);
    // The complete token is accepted: the refusals below are about the missing or foreign claim alone.
    expect((await app.gql(ME, {}, await sign(claims))).data?.me?.userId).toBe(org.users.FRONT_DESK.id);
    for (const [name, variant] of Object.entries(variants)) {
      const res = await app.gql(ME, {}, await sign(variant));
      expect(res.errors?.[0]?.extensions.code, name).toBe('UNAUTHENTICATED');
      expect(res.data?.me ?? null, name).toBeNull();
    }
  });

  it('a token naming a user with another organization does not spoil that user\'s cached status', async () => {
    const west = await createOrganization(app.admin, 'west');
    const east = await createOrganization(app.admin, 'east');
    const now = Math.floor(Date.now() / 1000);
    // Correctly signed (say, a bug elsewhere issued it), but the user is not a member of that organization.
    const foreign = await new SignJWT({ org: east.id, roles: ['NURSE'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(west.users.NURSE.id)
      .setIssuer('health-graphql')
      .setAudience('health-graphql')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect((await app.gql(ME, {}, foreign)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    // The user's own token, at once (well within the cache's 5 s): still served.
    const own = await app.api.deps.tokens.issueAccessToken({ userId: west.users.NURSE.id, organizationId: west.id, roles: ['NURSE'] });
    const me = await app.gql(ME, {}, own.token);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me?.userId).toBe(west.users.NURSE.id);
    // And the foreign token stays refused after the real entry is cached.
    expect((await app.gql(ME, {}, foreign)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('takes roles from the database, not from the token claims', async () => {
    const escalated = await new SignJWT({ org: org.id, roles: ['ORG_ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(org.users.ANALYST.id)
      .setIssuer('health-graphql')
      .setAudience('health-graphql')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const res = await app.gql(`{ users { totalCount } }`, {}, escalated);
    expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});

describe('refresh tokens', () => {
  it('rotates on every use; reusing a rotated token revokes the whole family', async () => {
    const first = await login(app, org.users.FRONT_DESK.email);
    const second = (await app.gql(REFRESH, { t: first.refreshToken })).data!.refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.email).toBe(org.users.FRONT_DESK.email);
    const third = (await app.gql(REFRESH, { t: second.refreshToken })).data!.refreshSession;

    // An attacker replays the first (already rotated) token.
    const replay = await app.gql(REFRESH, { t: first.refreshToken });
    expect(replay.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    // The legitimate, newest token of the family is revoked too.
    const after = await app.gql(REFRESH, { t: third.refreshToken });
    expect(after.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const [{ n }] = (await app.admin`
      select count(*)::int as n from audit_log where action = 'auth.refresh.reuse' and actor_user_id = ${org.users.FRONT_DESK.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('two concurrent refreshes with one token: at most one succeeds', async () => {
    const s = await login(app, org.users.NURSE.email);
    const results = await Promise.all([app.gql(REFRESH, { t: s.refreshToken }), app.gql(REFRESH, { t: s.refreshToken })]);
    expect(results.filter((r) => r.data?.refreshSession).length).toBe(1);
  });

  it('refuses an expired refresh token', async () => {
    const s = await login(app, org.users.ANALYST.email);
    await app.admin`update refresh_tokens set issued_at = now() - interval '2 days', expires_at = now() - interval '1 day'
                    where user_id = ${org.users.ANALYST.id} and revoked_at is null and used_at is null`;
    expect((await app.gql(REFRESH, { t: s.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('logout revokes the session and is audited', async () => {
    const s = await login(app, org.users.PHYSICIAN.email);
    expect((await app.gql(LOGOUT, { t: s.refreshToken })).data?.logout.revoked).toBe(true);
    expect((await app.gql(REFRESH, { t: s.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(LOGOUT, { t: s.refreshToken })).data?.logout.revoked).toBe(false);
    const [{ n }] = (await app.admin`
      select count(*)::int as n from audit_log where action = 'auth.logout' and actor_user_id = ${org.users.PHYSICIAN.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });
});

describe('deactivation', () => {
  it('refuses the deactivated user\'s access and refresh tokens at once, and further logins', async () => {
    const admin = await login(app, org.users.ORG_ADMIN.email);
    const victim = await createUserAs(admin.accessToken, 'temp.nurse@north.test', ['NURSE']);
    const session = await login(app, 'temp.nurse@north.test', 'a-long-enough-password');
    expect((await app.gql(ME, {}, session.accessToken)).data?.me.email).toBe('temp.nurse@north.test');

    const res = await app.gql(`mutation($id: ID!) { deactivateUser(id: $id) { user { active } } }`, { id: victim }, admin.accessToken);
    expect(res.data?.deactivateUser.user.active).toBe(false);
    expect((await app.gql(ME, {}, session.accessToken)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(REFRESH, { t: session.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    await expect(login(app, 'temp.nurse@north.test', 'a-long-enough-password')).rejects.toThrow(/login failed/);
  });
});

async function createUserAs(token: string, email: string, roles: string[]): Promise<string> {
  const res = await app.gql(
    `mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }`,
    { i: { email, password: 'a-long-enough-password', displayName: email, roles } },
    token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.createUser.user.id;
}
