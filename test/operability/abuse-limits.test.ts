import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDeps, startApi, type RunningApi } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';
import { createOrganization, TEST_PASSWORD, type TestOrganization } from '../helpers/fixtures.js';
import { loginDocument, postFrom } from '../helpers/from-address.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

/**
 * Abuse limits held in PostgreSQL (rate_limits), shared by every API process:
 * the per-user request limit (HTTP and WebSocket) and the sign-in waits per
 * account and per address.
 */
const LIMITS = {
  RATE_LIMIT_REQUESTS: '5',
  RATE_LIMIT_WINDOW_SECONDS: '3600',
  LOGIN_ADDRESS_ACCOUNT_FREE_FAILURES: '100',
  LOGIN_ACCOUNT_FREE_FAILURES: '3',
  LOGIN_ADDRESS_FAILURES_PER_HOUR: '3',
  LOGIN_DELAY_BASE_SECONDS: '600',
  LOGIN_DELAY_MAX_SECONDS: '86400',
};

let app: TestApp;
let second: RunningApi;
let org: TestOrganization;

beforeAll(async () => {
  app = await createTestApp(LIMITS);
  // A second API process over the same database: limits are counted in PostgreSQL, not in either process.
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: app.databaseUrl, METRICS_PORT: '0', ...LIMITS });
  second = await startApi(createDeps(config, app.databaseUrl, pino({ level: 'silent' })), 0, '127.0.0.1');
  org = await createOrganization(app.admin, 'north');
}, 120_000);
afterAll(async () => {
  await second?.stop();
  await app?.close();
});

/** An access token minted by the API's own token service (no request spent on signing in). */
const tokenOf = (role: keyof TestOrganization['users']) =>
  app.api.deps.tokens
    .issueAccessToken({ userId: org.users[role].id, organizationId: org.id, roles: [role] })
    .then((t) => t.token);

const ME = { query: '{ me { userId } }' };

describe('per-user request limit', () => {
  it('answers 429 with Retry-After and RATE_LIMITED past the limit, counted across API processes; other users go on', async () => {
    const token = await tokenOf('PHYSICIAN');
    const auth = { authorization: `Bearer ${token}` };
    const apis = [app.api.url, second.url, app.api.url, second.url, app.api.url];
    for (const [i, url] of apis.entries()) {
      // Each request from another address: the limit is the user's, wherever they come from.
      const res = await postFrom(url, `127.0.0.${10 + i}`, ME, auth);
      expect(res.status, `request ${i + 1}`).toBe(200);
      expect(res.body.data?.me?.userId).toBe(org.users.PHYSICIAN.id);
    }
    for (const url of [second.url, app.api.url]) {
      const refused = await postFrom(url, '127.0.0.20', ME, auth);
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
      expect(refused.body.errors?.[0]?.extensions).not.toHaveProperty('http');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(3000);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(refused.body.data ?? null).toBeNull();
    }
    const other = await postFrom(app.api.url, '127.0.0.20', ME, { authorization: `Bearer ${await tokenOf('NURSE')}` });
    expect(other.status).toBe(200);
  });

  it('refuses a WebSocket connection of a user over the limit with close code 4429', async () => {
    const token = await tokenOf('FRONT_DESK');
    for (let i = 0; i < 5; i++) expect((await postFrom(second.url, '127.0.0.1', ME, { authorization: `Bearer ${token}` })).status).toBe(200);
    const socket = new WebSocket(app.api.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    const { code, reason } = await closed;
    expect(code).toBe(4429);
    expect(reason).toMatch(/Too many requests: retry after \d+ s/);
  });

  it('counts anonymous requests per address', async () => {
    const health = { query: '{ health { checkedAt } }' };
    for (let i = 0; i < 5; i++) expect((await postFrom(app.api.url, '127.0.0.30', health)).status).toBe(200);
    const refused = await postFrom(second.url, '127.0.0.30', health);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect((await postFrom(second.url, '127.0.0.31', health)).status).toBe(200);
  });
});

describe('sign-in limits', () => {
  it('an account guessed at from many addresses waits, and each further failure doubles the wait', async () => {
    const email = org.users.BILLING.email;
    for (let i = 0; i < 3; i++) {
      const res = await postFrom(i % 2 ? second.url : app.api.url, `127.0.1.${i + 1}`, loginDocument(email, `wrong-${i}`));
      expect(res.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    const first = await postFrom(second.url, '127.0.1.9', loginDocument(email, TEST_PASSWORD));
    expect(first.status).toBe(429);
    expect(first.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(Number(first.headers.get('retry-after'))).toBeLessThanOrEqual(600);
    // The wait is over; the next wrong password earns twice the wait.
    await app.admin`update rate_limits set expire = 0 where key like 'login_wait_account:%'`;
    expect((await postFrom(app.api.url, '127.0.1.4', loginDocument(email, 'wrong-4'))).body.errors?.[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    const doubled = await postFrom(app.api.url, '127.0.1.9', loginDocument(email, TEST_PASSWORD));
    expect(doubled.status).toBe(429);
    expect(Number(doubled.headers.get('retry-after'))).toBeGreaterThan(1100);
    expect(Number(doubled.headers.get('retry-after'))).toBeLessThanOrEqual(1200);
    // Once it is over, the right password gets in and forgives the failures.
    await app.admin`update rate_limits set expire = 0 where key like 'login_wait_account:%'`;
    const ok = await postFrom(second.url, '127.0.1.9', loginDocument(email, TEST_PASSWORD));
    expect(ok.body.data?.login?.accessToken).toEqual(expect.any(String));
    expect((await postFrom(second.url, '127.0.1.5', loginDocument(email, 'wrong-5'))).body.errors?.[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await postFrom(app.api.url, '127.0.1.9', loginDocument(email, TEST_PASSWORD))).status).toBe(200);
    // Accounts are keyed by a hash, never by their e-mail.
    const keys = await app.admin<{ key: string }[]>`select key from rate_limits`;
    expect(keys.map((k) => k.key).join(' ')).not.toContain('@');
  });

  it('an address guessing at many accounts waits out its hour; other addresses do not', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await postFrom(app.api.url, '127.0.2.1', loginDocument(`nobody-${i}@north.test`, 'wrong-password'));
      expect(res.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    const refused = await postFrom(second.url, '127.0.2.1', loginDocument(org.users.ANALYST.email, TEST_PASSWORD));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    const elsewhere = await postFrom(second.url, '127.0.2.2', loginDocument(org.users.ANALYST.email, TEST_PASSWORD));
    expect(elsewhere.body.data?.login?.accessToken).toEqual(expect.any(String));
  });
});
