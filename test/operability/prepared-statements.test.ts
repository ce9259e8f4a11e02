import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/app.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';
import { createTestApp, graphqlClient, type TestApp, startSecondApi } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';

/**
 * DATABASE_PREPARE=false is for a transaction-mode pooler (PgBouncer < 1.21): every transaction may land
 * on another server connection, where a statement prepared on the last one does not exist. Then no pool of
 * the API may name a statement — the request pool, the sign-in throttle's and the request counter's — or
 * the driver re-prepares pipelined statements and can pair answers with the wrong ones. Seen here on the
 * wire, through a proxy that reads every Parse message, as a pooler would.
 */
let app: TestApp;
let proxy: RecordingProxy;
let pooled: RunningApi;
let org: TestOrganization;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'unnamed');
  proxy = await startRecordingProxy(app.databaseUrl);
  // LISTEN and the job queue keep a direct connection, as they do behind PgBouncer.
  pooled = await startSecondApi(proxy.url(app.databaseUrl), { LISTEN_DATABASE_URL: app.databaseUrl, DATABASE_PREPARE: 'false' });
}, 120_000);
afterAll(async () => {
  await pooled?.stop();
  await proxy?.close();
  await app?.close();
});

describe('DATABASE_PREPARE=false', () => {
  it('the recording proxy sees a client that names its statements (the check below can fail)', async () => {
    const named = postgres(proxy.url(app.databaseUrl), { max: 1, onnotice: () => {}, connection: { application_name: 'named-control' } });
    try {
      await named`select 1 as one`;
    } finally {
      await named.end();
    }
    expect(proxy.parses.filter((p) => p.applicationName === 'named-control' && p.statementName !== '')).not.toHaveLength(0);
  });

  it('no pool of the API names a statement: requests, writes, sign-in throttling and request counting', async () => {
    const gql = graphqlClient(pooled.url);
    const user = org.users.FRONT_DESK;
    // A failed sign-in counts penalties and starts waits; a good one clears them (the throttle's statements).
    const refused = await gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: user.email, password: 'wrong-password' } });
    expect(refused.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const { accessToken } = await login({ gql }, user.email);
    for (let i = 0; i < 2; i++) {
      const created = await gql(
        `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`,
        { i: { firstName: 'Unnamed', lastName: `Statement${i}`, dateOfBirth: '1979-01-02' } },
        accessToken,
      );
      expect(created.errors).toBeUndefined();
      const read = await gql(`{ patients(first: 5) { totalCount edges { node { id lastName } } } }`, {}, accessToken);
      expect(read.errors).toBeUndefined();
    }
    // The request counter writes behind: wait for its flush to reach the wire.
    await waitFor(() => proxy.parses.some((p) => /insert into rate_limits/i.test(p.text)), 'the request counter to flush');

    const apiParses = proxy.parses.filter((p) => p.applicationName.startsWith('health-graphql'));
    expect(new Set(apiParses.map((p) => p.applicationName))).toEqual(new Set(['health-graphql', 'health-graphql-limits']));
    const named = apiParses.filter((p) => p.statementName !== '');
    expect(named.map((p) => `${p.applicationName}: ${p.statementName} ${p.text.slice(0, 80)}`)).toEqual([]);
  });
});
