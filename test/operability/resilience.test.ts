import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporaryPostgres, type EmbeddedServer } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { withDatabase } from '../../src/kernel/db/embedded.js';
import { createOrganization, login } from '../helpers/fixtures.js';
import { startMainProcess } from '../helpers/main-process.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';
import { lockWaiters, waitFor, waitForLockWaits, waitForOutput } from '../helpers/wait.js';
import postgres from 'postgres';

/** Holds a row lock from another session until released: requests that need the row wait. */
async function holdPatientLock(app: TestApp, patientId: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const done = app.admin.begin(async (tx) => {
    await tx`select id from ehr_patients where id = ${patientId} for update`;
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await done;
  };
}

async function newPatient(app: TestApp, orgId: string): Promise<string> {
  const [p] = await app.admin<{ id: string }[]>`
    insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
    values (${orgId}, ${'R-' + Math.random().toString(36).slice(2, 8).toUpperCase()}, 'Rita', 'Resilient', '1970-01-01') returning id`;
  return p!.id;
}

const UPDATE = `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { firstName version } } }`;

describe('pool exhaustion', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ DATABASE_MAX_CONNECTIONS: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '2000', QUERY_TIMEOUT_MS: '20000' });
  });
  afterAll(() => app.close());

  it('a request that cannot get a connection queues for one, then fails with TIMEOUT at the acquire timeout; /healthz still answers', async () => {
    const org = await createOrganization(app.admin, 'north');
    const token = (await login(app, org.users.NURSE.email)).accessToken;
    await app.gql('{ me { id } }', {}, token); // viewer check cached: the next requests need the pool only for their own work
    const patientId = await newPatient(app, org.id);
    const release = await holdPatientLock(app, patientId);
    // Two slow writers occupy both pool connections, waiting on the lock.
    const slow = [1, 2].map(() => app.gql(UPDATE, { i: { id: patientId, version: 1, firstName: 'Slow' } }, token));
    await waitForLockWaits(app.admin, 2);
    const pool = app.api.deps.db.inUse;
    let queued = false;
    let answered = false;
    const starvedRequest = app.gql(`{ patients(first: 1) { edges { node { id } } } }`, {}, token).finally(() => (answered = true));
    // It waits in the pool's queue (not refused at once)…
    await waitFor(() => (queued ||= pool.waiting > 0) || answered, 'the starved request to queue for a connection');
    const starved = await starvedRequest;
    // …and is answered while both connections are still taken: the acquire timeout ended its wait, not a free connection.
    const stillHeld = await lockWaiters(app.admin, 'health-graphql');
    const health = await fetch(app.api.url.replace('/graphql', '/healthz'));
    await release();
    const results = await Promise.all(slow);
    expect(queued).toBe(true);
    expect(stillHeld).toBe(2);
    expect(starved.errors?.[0]?.extensions.code).toBe('TIMEOUT');
    expect(starved.errors?.[0]?.message).toMatch(/busy/);
    expect(health.status).toBe(200);
    // One writer won, the other saw the version move: nothing was silently overwritten.
    expect(results.map((r) => r.data?.updatePatient?.patient.version ?? r.errors?.[0]?.extensions.code).sort()).toEqual([2, 'CONFLICT']);
    // And the pool is usable again.
    expect((await app.gql(`{ patients(first: 1) { edges { node { id } } } }`, {}, token)).errors).toBeUndefined();
  });
});

describe('PostgreSQL restart', () => {
  let pg: EmbeddedServer;
  let app: TestApp;
  beforeAll(async () => {
    pg = await startTemporaryPostgres('restart');
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
    await admin`create database restart_template`;
    await admin.end();
    await migrateDatabase(withDatabase(pg.adminUrl, 'restart_template')); // a child process: its pool is gone when it returns
    app = await createTestApp({ DATABASE_CONNECT_TIMEOUT_MS: '1000' }, { adminUrl: pg.adminUrl, template: 'restart_template' });
  }, 60_000);
  afterAll(async () => {
    await app?.close().catch(() => {});
    await pg?.stop();
  });

  it('requests fail cleanly during the outage and succeed afterwards without a restart; /readyz follows', async () => {
    const org = await createOrganization(app.admin, 'north');
    const token = (await login(app, org.users.NURSE.email)).accessToken;
    const query = `{ patients(first: 1) { totalCount } }`;
    const readyz = () => fetch(app.api.url.replace('/graphql', '/readyz')).then((r) => r.status);
    expect((await app.gql(query, {}, token)).data?.patients.totalCount).toBe(0);
    expect(await readyz()).toBe(200);

    await pg.halt();
    const during = await app.gql(query, {}, token);
    expect(during.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(during.errors?.[0]?.message).toMatch(/database is unavailable/);
    expect(await readyz()).toBe(503);
    expect((await fetch(app.api.url.replace('/graphql', '/healthz'))).status).toBe(200);

    await pg.resume();
    // The pool reconnects on demand: the first requests may still find the server starting up.
    let after = await app.gql(query, {}, token);
    await waitFor(async () => !(after = await app.gql(query, {}, token)).errors, () => `a query to succeed again: ${JSON.stringify(after.errors)}`);
    expect(after.errors).toBeUndefined();
    expect(after.data?.patients.totalCount).toBe(0);
    expect(await readyz()).toBe(200);
  }, 60_000);
});

describe('SIGTERM', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('lets in-flight requests finish, then exits 0', async () => {
    const org = await createOrganization(app.admin, 'north');
    // LOG_LEVEL=info: the process logs "shutting down" when SIGTERM reaches it.
    const main = await startMainProcess({ DATABASE_URL: app.databaseUrl, JWT_SECRET: TEST_JWT_SECRET, QUERY_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' });
    const url = main.url;
    const gql = (query: string, variables: Record<string, unknown>, token?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<any>);
    const signIn = await gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
      i: { email: org.users.NURSE.email, password: 'correct-horse-battery-staple' },
    });
    const token = signIn.data.login.accessToken;
    const patientId = await newPatient(app, org.id);
    const release = await holdPatientLock(app, patientId);
    const inFlight = gql(UPDATE, { i: { id: patientId, version: 1, firstName: 'Finished' } }, token);
    await waitForLockWaits(app.admin, 1); // the update is in flight, waiting on the row
    const shuttingDown = waitForOutput(main.child.stdout!, /shutting down/);
    main.child.kill('SIGTERM');
    await shuttingDown;
    await release();
    const result = await inFlight.catch((e: unknown) => {
      const { stdout, stderr } = main.output();
      throw new Error(`in-flight request failed: ${String(e)}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    expect(result.data?.updatePatient.patient).toEqual({ firstName: 'Finished', version: 2 });
    expect(await main.exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow(); // no longer listening
  }, 60_000);
});
