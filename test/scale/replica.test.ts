import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';
import { createPatients } from '../scheduling/helpers.js';
import { startReplicatedPair, type ReplicatedPair } from '../setup/replica.js';

/**
 * Read routing against a real streaming replica (`pg_basebackup -R` of a
 * primary, both clusters of the machine's PostgreSQL binaries): reports and
 * analysts' reads go to the replica while it is healthy; a clinician's reads,
 * a mutation's reads and a user who just wrote stay on the primary; a lagging
 * or stopped replica hands its reads to the primary and /readyz says so.
 * Part of `npm run test:scale`.
 */
let pair: ReplicatedPair;
let app: TestApp;
let org: TestOrganization;
let tokens: Awaited<ReturnType<typeof tokensByRole>>;
let replicaAdmin: postgres.Sql;

beforeAll(async () => {
  pair = await startReplicatedPair();
  const root = postgres(pair.primaryUrl, { max: 1, onnotice: () => {} });
  await root`create database health_replica_tpl`;
  await root.end();
  await migrateDatabase(withDatabase(pair.primaryUrl, 'health_replica_tpl'));
  app = await createTestApp(
    { REPLICA_MAX_LAG_MS: '500', REPLICA_CHECK_INTERVAL_MS: '50', REPLICA_READ_YOUR_WRITES_MS: '600000' },
    { adminUrl: pair.primaryUrl, template: 'health_replica_tpl', replicaAdminUrl: pair.replicaUrl },
  );
  replicaAdmin = postgres(app.api.deps.config.database.replicaUrl!, { max: 1, onnotice: () => {} });
  org = await createOrganization(app.admin, 'replicated');
  await createPatients(app, org.id, 5, 'R');
  tokens = await tokensByRole(app, org);
}, 180_000);
afterAll(async () => {
  await replicaAdmin?.end();
  await app?.close();
  await pair?.stop();
});

const router = () => app.api.deps.replicas!;
/** Statements each side ran while `fn` ran. */
async function statementsDuring(fn: () => Promise<unknown>) {
  const primary = app.api.deps.db.statements.count;
  const replica = router().replica.statements.count;
  await fn();
  return { primary: app.api.deps.db.statements.count - primary, replica: router().replica.statements.count - replica };
}
/** Waits until the replica has replayed everything the primary has written and the router has seen it. */
async function replicaCaughtUp() {
  const [primary] = await app.admin<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`;
  const lsn = primary!.lsn;
  await waitFor(async () => {
    const [row] = await replicaAdmin<{ done: boolean }[]>`select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ${lsn}::pg_lsn) >= 0 as done`;
    return row!.done;
  }, 'the replica to replay the primary');
  await router().check();
  await waitFor(() => router().state.status === 'up', () => `the replica to be up (${JSON.stringify(router().state)})`);
}
const readiness = async () => (await (await fetch(new URL('/readyz', app.api.url))).json()) as { ready: boolean; replica?: { status: string; servingReads: boolean } };

const PATIENT_COUNT = '{ patients(first: 10) { totalCount } }';
const AGING = '{ receivablesAging { currency } }';

describe('read replica routing', () => {
  it('an analyst’s query is served by the replica, and the access is recorded on the primary', async () => {
    await replicaCaughtUp();
    let answer: GraphQLResponse<{ patients: { totalCount: number } }> | undefined;
    const ran = await statementsDuring(async () => (answer = await app.gql<{ patients: { totalCount: number } }>(PATIENT_COUNT, {}, tokens.ANALYST)));
    expect(answer!.errors).toBeUndefined();
    expect(answer!.data!.patients.totalCount).toBe(5);
    expect(ran.replica).toBeGreaterThan(0);
    const logged = await app.admin`select 1 from phi_access_log where organization_id = ${org.id} and user_id = ${org.users.ANALYST.id}`;
    expect(logged.length).toBeGreaterThan(0);
  });

  it('a physician’s chart reads stay on the primary; a report goes to the replica', async () => {
    await replicaCaughtUp();
    const clinician = await statementsDuring(() => app.gql(PATIENT_COUNT, {}, tokens.PHYSICIAN));
    expect(clinician.replica).toBe(0);
    let report: Awaited<ReturnType<TestApp['gql']>> | undefined;
    const reporting = await statementsDuring(async () => (report = await app.gql(AGING, {}, tokens.BILLING)));
    expect(report!.errors).toBeUndefined();
    expect(reporting.replica).toBeGreaterThan(0);
  });

  it('a user who just wrote reads from the primary (read-your-writes), and a mutation’s reads never leave it', async () => {
    await replicaCaughtUp();
    const created = await statementsDuring(() =>
      app.gql('mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id mrn } } }', {
        i: { firstName: 'Fresh', lastName: 'Write', dateOfBirth: '1990-01-01' },
      }, tokens.ORG_ADMIN),
    );
    expect(created.replica).toBe(0);
    const after = await statementsDuring(() => app.gql(AGING, {}, tokens.ORG_ADMIN));
    expect(after.replica).toBe(0);
  });

  it('a lagging replica hands its reads to the primary and /readyz says so, until it catches up', async () => {
    await replicaCaughtUp();
    await replicaAdmin`select pg_wal_replay_pause()`;
    try {
      await app.admin`update organizations set name = name || ' (lagging)' where id = ${org.id}`;
      await waitFor(async () => (await router().check(), router().state.status === 'lagging'), 'the router to see the lag');
      const state = await readiness();
      expect(state).toMatchObject({ ready: true, replica: { status: 'lagging', servingReads: false } });
      const ran = await statementsDuring(() => app.gql(PATIENT_COUNT, {}, tokens.ANALYST));
      expect(ran.replica).toBe(0);
    } finally {
      await replicaAdmin`select pg_wal_replay_resume()`;
    }
    await replicaCaughtUp();
    expect(await readiness()).toMatchObject({ replica: { status: 'up', servingReads: true } });
  });

  it('a stopped replica: reads go to the primary and /readyz says down; once it is back it serves again', async () => {
    await replicaCaughtUp();
    await pair.stopReplica();
    await waitFor(async () => (await router().check(), router().state.status === 'down'), 'the router to see the replica down');
    expect(await readiness()).toMatchObject({ ready: true, replica: { status: 'down', servingReads: false } });
    const answer = await app.gql(AGING, {}, tokens.ANALYST);
    expect(answer.errors).toBeUndefined();
    await pair.startReplica();
    await replicaCaughtUp();
    const ran = await statementsDuring(() => app.gql(PATIENT_COUNT, {}, tokens.ANALYST));
    expect(ran.replica).toBeGreaterThan(0);
  });
});
