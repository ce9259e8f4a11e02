import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporaryPostgres, type EmbeddedServer } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { withDatabase } from '../../src/kernel/db/embedded.js';
import { createOrganization, login } from '../helpers/fixtures.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';
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
    app = await createTestApp({ DATABASE_MAX_CONNECTIONS: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '500', QUERY_TIMEOUT_MS: '10000' });
  });
  afterAll(() => app.close());

  it('a request that cannot get a connection fails with TIMEOUT within the acquire timeout; /healthz still answers', async () => {
    const org = await createOrganization(app.admin, 'north');
    const token = (await login(app, org.users.NURSE.email)).accessToken;
    await app.gql('{ me { id } }', {}, token); // viewer check cached: the next requests need the pool only for their own work
    const patientId = await newPatient(app, org.id);
    const release = await holdPatientLock(app, patientId);
    // Two slow writers occupy both pool connections, waiting on the lock.
    const slow = [1, 2].map(() => app.gql(UPDATE, { i: { id: patientId, version: 1, firstName: 'Slow' } }, token));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const starved = await app.gql(`{ patients(first: 1) { edges { node { id } } } }`, {}, token);
    const waited = Date.now() - started;
    const health = await fetch(app.api.url.replace('/graphql', '/healthz'));
    await release();
    const results = await Promise.all(slow);
    expect(starved.errors?.[0]?.extensions.code).toBe('TIMEOUT');
    expect(starved.errors?.[0]?.message).toMatch(/busy/);
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(1500);
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
    await migrateDatabase(withDatabase(pg.adminUrl, 'restart_template'));
    await new Promise((r) => setTimeout(r, 400)); // graphile-migrate closes its pool lazily
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
    let after = await app.gql(query, {}, token);
    for (let i = 0; i < 20 && after.errors; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await app.gql(query, {}, token);
    }
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
    const child = spawn('node', ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: app.databaseUrl,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        QUERY_TIMEOUT_MS: '20000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !/http:\/\/[^\s]+\/graphql/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    const url = /(http:\/\/[^\s]+\/graphql)/.exec(stdout)?.[1];
    expect(url).toBeTruthy();
    const gql = (query: string, variables: Record<string, unknown>, token?: string) =>
      fetch(url!, {
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
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await release();
    const result = await inFlight.catch((e: unknown) => {
      throw new Error(`in-flight request failed: ${String(e)}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    expect(result.data?.updatePatient.patient).toEqual({ firstName: 'Finished', version: 2 });
    expect(await exited).toBe(0);
    await expect(fetch(url!)).rejects.toThrow(); // no longer listening
  }, 60_000);
});
