import { spawn } from 'node:child_process';
import { createClient, type Client } from 'graphql-ws';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTemporaryPostgres, withDatabase, type EmbeddedServer } from '../../src/kernel/db/embedded.js';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';
import { startMainProcess, type MainProcess } from '../helpers/main-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The README's "Database roles" promise, on a brand-new cluster: migrations
 * (and first-start seeding) run over MIGRATION_DATABASE_URL as the owner, and
 * the API serves over DATABASE_URL as a login role whose only privilege is
 * `grant health_app, health_auth to <role>`.
 */
const RUNTIME_ROLE = 'clinic_api';
const RUNTIME_PASSWORD = 'runtime-secret-4f9d';
const JWT_SECRET = 'least-privilege-secret-0123456789-0123456789';

let pg: EmbeddedServer;
let root: postgres.Sql;
let ownerUrl: string;
let runtimeUrl: string;
let api: MainProcess | undefined;
const clients: Client[] = [];

/** Runs `npm run db:migrate` (scripts/db.ts) with the given environment; resolves with its exit code and output. */
function dbScript(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('node', ['--import', 'tsx', 'scripts/db.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  pg = await startTemporaryPostgres('privilege');
  root = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await root`create database clinic`;
  // A plain login role: no superuser, no createdb/createrole, owns nothing; no grants yet.
  await root.unsafe(`create role ${RUNTIME_ROLE} login password '${RUNTIME_PASSWORD}'`);
  ownerUrl = withDatabase(pg.adminUrl, 'clinic');
  const parsed = new URL(ownerUrl);
  parsed.username = RUNTIME_ROLE;
  parsed.password = RUNTIME_PASSWORD;
  runtimeUrl = parsed.toString();

  // 1. The operator migrates (the migrations create health_app and health_auth).
  //    DATABASE_URL names the runtime role: MIGRATION_DATABASE_URL must be the one used.
  const migrated = await dbScript(['migrate'], { DATABASE_URL: runtimeUrl, MIGRATION_DATABASE_URL: ownerUrl });
  expect(migrated.code, migrated.output).toBe(0);
  // 2. The DBA grants the runtime role exactly what the README documents.
  await root.unsafe(`grant health_app, health_auth to ${RUNTIME_ROLE}`);
  // 3. The API starts: main migrates (nothing left to do, but as the owner: the runtime role may not even
  //    check), seeds the empty database over the migration URL, and serves as the runtime role.
  api = await startMainProcess({
    DATABASE_URL: runtimeUrl,
    MIGRATION_DATABASE_URL: ownerUrl,
    SEED_ON_FIRST_START: 'true',
    JWT_SECRET,
    // The job runner too (graphile-worker): its schema installed by the owner, its jobs run by the runtime role.
    JOBS: 'in-process',
    JOBS_POLL_INTERVAL_MS: '200',
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  const code = await api?.stop();
  await root?.end();
  await pg?.stop();
  expect(code ?? 0).toBe(0);
});

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(api!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] };
}

async function signIn(email: string): Promise<string> {
  const r = await gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email, password: DEMO_PASSWORD } });
  expect(r.errors).toBeUndefined();
  return r.data.login.accessToken as string;
}

describe('a runtime role with only health_app + health_auth membership', () => {
  it('is what the API connects as, and it is unprivileged', async () => {
    const [role] = await root<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolbypassrls: boolean; memberOf: string[] }[]>`
      select rolsuper, rolcreatedb, rolcreaterole, rolbypassrls,
             array(select b.rolname::text from pg_auth_members m join pg_roles b on b.oid = m.roleid
                   where m.member = r.oid order by 1) as "memberOf"
      from pg_roles r where rolname = ${RUNTIME_ROLE}`;
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, memberOf: ['health_app', 'health_auth'] });

    const clinic = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    try {
      const [owned] = await clinic<{ n: number }[]>`
        select (select count(*) from pg_class where relowner = ${RUNTIME_ROLE}::regrole)::int
             + (select count(*) from pg_namespace where nspowner = ${RUNTIME_ROLE}::regrole)::int
             + (select count(*) from pg_database where datdba = ${RUNTIME_ROLE}::regrole)::int as n`;
      expect(owned!.n).toBe(0);
      // Every connection the API holds is the runtime role's (the seeder's and migrator's are gone).
      const sessions = await clinic<{ usename: string }[]>`
        select usename::text from pg_stat_activity where datname = 'clinic' and application_name = 'health-graphql'`;
      expect(sessions.length).toBeGreaterThan(0);
      expect(new Set(sessions.map((s) => s.usename))).toEqual(new Set([RUNTIME_ROLE]));
    } finally {
      await clinic.end();
    }

    const runtime = postgres(runtimeUrl, { max: 1, onnotice: () => {} });
    try {
      await expect(runtime`create table intruder (id int)`).rejects.toMatchObject({ code: '42501' });
      await expect(runtime`create schema intruder`).rejects.toMatchObject({ code: '42501' });
      // Outside a tenant transaction (no organization set) row-level security shows it nothing.
      expect(await runtime`select id from ehr_patients limit 1`).toHaveLength(0);
    } finally {
      await runtime.end();
    }
  });

  it('runs the background jobs as the runtime role (graphile-worker schema installed by the owner)', async () => {
    const clinic = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    try {
      const [schema] = await clinic<{ owner: string }[]>`
        select nspowner::regrole::text as owner from pg_namespace where nspname = 'graphile_worker'`;
      expect(schema?.owner).not.toBe(RUNTIME_ROLE);
      const jobId = async () =>
        (await clinic<{ id: string }[]>`select id::text from graphile_worker.jobs where key = 'workflow_task_escalation'`)[0]?.id ?? null;
      const first = await waitFor(jobId, 'the escalation job to be queued');
      // A run claims the job, escalates (nothing is overdue here) and queues its next run: a new row.
      await waitFor(async () => {
        const now = await jobId();
        return now !== null && now !== first;
      }, 'the escalation job to run as the runtime role and queue its next run');
      const failed = await clinic`select last_error from graphile_worker.jobs where last_error is not null`;
      expect(failed).toEqual([]);
    } finally {
      await clinic.end();
    }
  });

  it('starts ready: /readyz is 200 with every migration applied, and `health` agrees', async () => {
    const ready = await fetch(api!.url.replace('/graphql', '/readyz'));
    const body = (await ready.json()) as any;
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ ready: true, database: 'up', migrations: { upToDate: true } });
    expect(body.migrations.current).toBe(body.migrations.latest);
    const health = await gql(`{ health { database migrations { current latest upToDate } } }`);
    expect(health.data?.health).toMatchObject({ database: 'UP', migrations: { upToDate: true, current: body.migrations.current } });
  });

  it('serves sign-in, queries, mutations and subscriptions over the seeded data', async () => {
    const token = await signIn('frontdesk@northwind.example');
    // Seeded over MIGRATION_DATABASE_URL on first start, read back as the runtime role.
    const list = await gql(`{ patients(first: 1) { totalCount } departments(first: 50, filter: { type: [OUTPATIENT] }) { edges { node { id code } } } }`, {}, token);
    expect(list.errors).toBeUndefined();
    expect(list.data.patients.totalCount).toBeGreaterThan(0);
    const department = (list.data.departments.edges as { node: { id: string; code: string } }[]).find((e) => e.node.code !== 'PEDS')!.node;

    const created = await gql(
      `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id version firstName } } }`,
      { i: { firstName: 'Least', lastName: 'Privilege', dateOfBirth: '1980-02-03' } },
      token,
    );
    expect(created.errors).toBeUndefined();
    const patient = created.data.createPatient.patient;
    const updated = await gql(
      `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { firstName version } } }`,
      { i: { id: patient.id, version: patient.version, firstName: 'Lesser' } },
      token,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updatePatient.patient).toEqual({ firstName: 'Lesser', version: patient.version + 1 });

    // LISTEN (the runtime role's own connection) and NOTIFY (inside the tenant transaction) work too.
    const client = createClient({
      url: api!.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    const events: any[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query: `subscription($d: ID!) { opdQueueUpdated(departmentId: $d) { kind entryId } }`, variables: { d: department.id } },
      { next: (v) => (v.errors ? errors.push(...v.errors) : events.push(v.data)), error: (e) => errors.push(e), complete: () => {} },
    );
    // The API's LISTEN connection runs as the runtime role, and this subscription is registered
    // (the process reports its live subscriptions in /metrics) before the change is made.
    const clinic = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await waitFor(
        async () =>
          errors.length > 0 ||
          (await clinic<{ usename: string }[]>`
            select usename::text from pg_stat_activity
            where datname = 'clinic' and application_name = 'health-graphql' and state = 'idle' and query ~* '^\\s*listen'`)
            .some((r) => r.usename === RUNTIME_ROLE),
        () => `the API's LISTEN connection (subscription errors: ${JSON.stringify(errors)})`,
      );
    } finally {
      await clinic.end();
    }
    await waitFor(
      async () => errors.length > 0 || /^graphql_subscriptions_active 1$/m.test(await fetch(api!.metricsUrl).then((r) => r.text())),
      () => `the subscription to be live (errors: ${JSON.stringify(errors)})`,
    );
    const walkIn = await gql(
      `mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { id } } }`,
      { i: { departmentId: department.id, patientId: patient.id } },
      token,
    );
    expect(walkIn.errors).toBeUndefined();
    await waitFor(() => events.length > 0 || errors.length > 0, 'a queue event');
    expect(errors).toEqual([]);
    expect(events[0].opdQueueUpdated.kind).toBe('ENQUEUED');
  });
});
