import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrganization, login, TEST_PASSWORD, type TestOrganization } from '../helpers/fixtures.js';
import { loginDocument, postFrom } from '../helpers/from-address.js';
import { startApiProcess, type ApiProcess } from '../helpers/api-process.js';
import { apiDatabaseEnv, createTestApp, type TestApp } from '../helpers/test-app.js';
import { collect, createDepartment, createPatients, until, wsClient } from '../scheduling/helpers.js';
import { queueEvents } from '../../src/scheduling/queue-events.js';

/**
 * Two API processes on one database (under `npm run test:scale`, both through
 * PgBouncer in transaction mode): what one process does, the other honours,
 * because sessions, idempotency keys, sign-in waits and queue notices live in
 * PostgreSQL, never in a process's memory. `b` is a real OS process.
 */
const LIMITS = { LOGIN_ADDRESS_ACCOUNT_FREE_FAILURES: '2', LOGIN_DELAY_BASE_SECONDS: '600' };

let app: TestApp;
let b: ApiProcess;
let ownB = false;
let org: TestOrganization;

beforeAll(async () => {
  app = await createTestApp(LIMITS);
  ownB = !app.peer;
  b = app.peer ?? (await startApiProcess(app.databaseUrl, { ...apiDatabaseEnv(app.databaseUrl), ...LIMITS }));
  org = await createOrganization(app.admin, 'cross');
}, 120_000);
afterAll(async () => {
  if (ownB) await b?.stop();
  await app?.close();
});

/** Process A: the test's in-process API, called directly (not through the alternating `app.gql`). */
const a = () => ({ url: app.api.url });

describe('two API processes', () => {
  it('under npm run test:scale, both reach PostgreSQL through PgBouncer without named prepared statements', () => {
    const bouncer = inject('bouncerAdminUrl');
    if (!bouncer) return expect(app.api.deps.config.database.url).toBe(app.databaseUrl);
    expect(new URL(app.api.deps.config.database.url!).port).toBe(new URL(bouncer).port);
    expect(app.api.deps.config.database.prepare).toBe(false);
    expect(app.api.deps.config.database.listenUrl).toBe(app.databaseUrl);
  });

  it('a session signed out on one process cannot be refreshed on the other', async () => {
    const session = await login({ gql: b.gql }, org.users.NURSE.email);
    const out = await postFrom(a().url, '127.0.0.1', {
      query: 'mutation($i: LogoutInput!) { logout(input: $i) { revoked } }',
      variables: { i: { refreshToken: session.refreshToken } },
    });
    expect(out.body.data?.logout.revoked).toBe(true);
    const refresh = await b.gql('mutation($i: RefreshSessionInput!) { refreshSession(input: $i) { accessToken } }', {
      i: { refreshToken: session.refreshToken },
    });
    expect(refresh.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('an Idempotency-Key used on one process replays its answer on the other, with one patient written', async () => {
    const token = (await login({ gql: b.gql }, org.users.FRONT_DESK.email)).accessToken;
    const create = 'mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id mrn } } }';
    const input = { i: { firstName: 'Twice', lastName: 'Sent', dateOfBirth: '1975-01-02' } };
    const headers = { 'idempotency-key': `cross-${randomUUID()}` };
    const first = await postFrom(a().url, '127.0.0.1', { query: create, variables: input }, { ...headers, authorization: `Bearer ${token}` });
    const again = await b.gql(create, input, token, headers);
    expect(first.body.errors).toBeUndefined();
    expect(again.data).toEqual(first.body.data);
    const [row] = await app.admin<{ n: number }[]>`
      select count(*)::int as n from ehr_patients where organization_id = ${org.id} and last_name = 'Sent'`;
    expect(row!.n).toBe(1);
  });

  it('wrong passwords counted on one process make the address wait on the other', async () => {
    const email = org.users.BILLING.email;
    for (const url of [a().url, b.url]) {
      const res = await postFrom(url, '127.0.0.7', loginDocument(email, 'not-the-password'));
      expect(res.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    for (const url of [b.url, a().url]) {
      const waiting = await postFrom(url, '127.0.0.7', loginDocument(email, TEST_PASSWORD));
      expect(waiting.status).toBe(429);
      expect(waiting.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    }
  });

  it('a queue change made through one process reaches a subscriber of the other', async () => {
    const token = (await login({ gql: b.gql }, org.users.NURSE.email)).accessToken;
    const frontDesk = (await login({ gql: b.gql }, org.users.FRONT_DESK.email)).accessToken;
    const [patient] = await createPatients(app, org.id, 1, 'X');
    const department = await createDepartment(app, org.id, 'OPD');
    const client = wsClient(app.api, { authorization: `Bearer ${token}` });
    try {
      const watch = collect(client, 'subscription($d: ID!) { opdQueueUpdated(departmentId: $d) { kind entry { tokenNumber } } }', {
        d: department.id,
      });
      await until(() => queueEvents(app.api.deps).subscriberCount() === 1, 10_000, () => 'the subscription did not start');
      const walkIn = await b.gql(
        'mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { tokenNumber } } }',
        { i: { departmentId: department.id, patientId: patient!.id } },
        frontDesk,
      );
      expect(walkIn.errors).toBeUndefined();
      const [notice] = await watch.waitFor(1);
      expect(notice.opdQueueUpdated).toMatchObject({ kind: 'ENQUEUED', entry: { tokenNumber: walkIn.data!.enqueueWalkIn.queueEntry.tokenNumber } });
      expect(watch.errors).toEqual([]);
      watch.stop();
    } finally {
      await client.dispose();
    }
  });
});
