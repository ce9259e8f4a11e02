import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApi } from '../../src/app.js';
import { createLimiterStore, RequestLimiter, type LimiterStore } from '../../src/kernel/rate-limits.js';
import { createOrganization, TEST_PASSWORD, type TestOrganization } from '../helpers/fixtures.js';
import { loginDocument, postFrom } from '../helpers/from-address.js';
import { apiDatabaseEnv, createTestApp, type TestApp, startSecondApi } from '../helpers/test-app.js';

/**
 * Abuse limits held in PostgreSQL (rate_limits), shared by every API process:
 * the per-user request limit (HTTP and WebSocket; counted in memory, written
 * behind) and the sign-in waits per account and per address (exact).
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
  second = await startSecondApi(app.databaseUrl, { ...apiDatabaseEnv(app.databaseUrl), ...LIMITS });
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

/**
 * Both processes write their request counts and read back the shared totals
 * (what their flush timers do within REQUEST_COUNT_FLUSH_MS).
 */
const flushBoth = () => Promise.all([app.api.deps.requestLimiter.flush(), second.deps.requestLimiter.flush()]);

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
      await flushBoth();
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
    for (const url of [second.url, second.url, second.url, second.url, app.api.url]) {
      expect((await postFrom(url, '127.0.0.1', ME, { authorization: `Bearer ${token}` })).status).toBe(200);
      await flushBoth();
    }
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
    for (const url of [app.api.url, app.api.url, app.api.url, app.api.url, second.url]) {
      expect((await postFrom(url, '127.0.0.30', health)).status).toBe(200);
      await flushBoth();
    }
    const refused = await postFrom(second.url, '127.0.0.30', health);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect((await postFrom(second.url, '127.0.0.31', health)).status).toBe(200);
  });
});

describe('request counts written behind', () => {
  const stores: LimiterStore[] = [];
  afterAll(() => Promise.all(stores.map((s) => s.close())));
  /** A limiter of `points` per hour as one API process has it, on a pool of its own; flushed only when told. */
  const apiProcess = (points: number) => {
    const store = createLimiterStore(app.databaseUrl, 5000);
    stores.push(store);
    return { store, limiter: new RequestLimiter(store, { ...app.api.deps.config.abuse, requestsPerWindow: points, requestWindowSeconds: 3600 }, { flushMs: 3_600_000 }) };
  };
  const outcome = (p: Promise<void>) => p.then(
    () => 'ok',
    (e: Error) => (/^Too many requests; retry after \d+ s$/.test(e.message) ? 'refused' : e.message),
  );

  it('a request sends no statement; one flush writes the counts of every key in one statement', async () => {
    const a = apiProcess(100);
    const before = a.store.statements;
    for (let i = 0; i < 30; i++) await a.limiter.consume({ userId: `writer-${i % 3}` });
    await a.limiter.consume({ ip: '127.0.5.1' });
    expect(a.store.statements).toBe(before);
    await a.limiter.flush();
    expect(a.store.statements).toBe(before + 1);
    const rows = await app.admin<{ key: string; points: number }[]>`
      select key, points from rate_limits where key like 'requests:user:writer-%' or key = 'requests:ip:127.0.5.1' order by key`;
    expect(rows).toEqual([
      { key: 'requests:ip:127.0.5.1', points: 1 },
      { key: 'requests:user:writer-0', points: 10 },
      { key: 'requests:user:writer-1', points: 10 },
      { key: 'requests:user:writer-2', points: 10 },
    ]);
    // Nothing counted since: a flush sends nothing.
    await a.limiter.flush();
    expect(a.store.statements).toBe(before + 1);
  });

  it('one process refuses past the limit, counting in memory; near it, it asks PostgreSQL', async () => {
    const a = apiProcess(10);
    const who = { userId: 'alone-1' };
    const before = a.store.statements;
    for (let i = 0; i < 9; i++) expect(await outcome(a.limiter.consume(who))).toBe('ok');
    expect(a.store.statements).toBe(before);
    // The last tenth of the limit is decided on the shared total: one statement.
    expect(await outcome(a.limiter.consume(who))).toBe('ok');
    expect(a.store.statements).toBe(before + 1);
    expect(await outcome(a.limiter.consume(who))).toBe('refused');
    expect(await outcome(a.limiter.consume(who))).toBe('refused');
  });

  it('two processes sharing the database refuse once their shared total passes the limit', async () => {
    const [a, b] = [apiProcess(10), apiProcess(10)];
    const who = { userId: 'shared-1' };
    for (let i = 0; i < 4; i++) await a.limiter.consume(who);
    for (let i = 0; i < 4; i++) await b.limiter.consume(who);
    await a.limiter.flush();
    await b.limiter.flush();
    // 8 counted in PostgreSQL; a knows 4 of them, b all 8.
    await a.limiter.consume(who);
    await b.limiter.consume(who);
    await a.limiter.flush();
    await b.limiter.flush();
    // The shared total is the limit: a, near it, asks PostgreSQL and is refused; b knows the total and refuses at once.
    expect(await outcome(a.limiter.consume(who))).toBe('refused');
    const before = b.store.statements;
    expect(await outcome(b.limiter.consume(who))).toBe('refused');
    expect(b.store.statements).toBe(before);
    // Another user is not affected.
    expect(await outcome(b.limiter.consume({ userId: 'shared-2' }))).toBe('ok');
  });

  it('near the limit, requests to both processes at once are ordered by PostgreSQL: together they get exactly the limit', async () => {
    const [a, b] = [apiProcess(20), apiProcess(20)];
    const who = { userId: 'near-1' };
    for (let i = 0; i < 18; i++) await a.limiter.consume(who);
    await a.limiter.flush();
    await b.limiter.consume(who);
    await b.limiter.flush();
    // 19 of 20 counted; a knows 18, b 19: both are in the last tenth, decided on the shared total.
    const three = (l: RequestLimiter) => Array.from({ length: 3 }, () => outcome(l.consume(who)));
    const outcomes = await Promise.all([...three(a.limiter), ...three(b.limiter)]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(5);
  });

  it('stops its timer and writes what is left when closed', async () => {
    const a = apiProcess(100);
    await a.limiter.consume({ userId: 'closing-1' });
    await a.limiter.close();
    const [row] = await app.admin<{ points: number }[]>`select points from rate_limits where key = 'requests:user:closing-1'`;
    expect(row?.points).toBe(1);
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
