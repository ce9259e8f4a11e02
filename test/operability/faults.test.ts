import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporaryPostgres, withDatabase, type EmbeddedServer } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { startApiProcess, type ApiProcess } from '../helpers/api-process.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { waitFor, waitForLockWaits } from '../helpers/wait.js';

/**
 * Database faults against the API running as its own process, on a cluster of
 * this file's own (it changes server settings and restarts it). Every fault is
 * placed by waiting for an observable state in pg_stat_activity, then injected
 * with pg_terminate_backend or a cluster stop. The process must survive all of
 * them, and no answer may misstate whether a write committed.
 */

const API = `application_name = 'health-graphql'`;
const UPDATE = `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { id firstName version } } }`;
const CREATE = `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id mrn } } }`;

let pg: EmbeddedServer;
let dbUrl: string;
let admin: postgres.Sql;
let api: ApiProcess;
let org: TestOrganization;
let token: string;

beforeAll(async () => {
  pg = await startTemporaryPostgres('faults');
  const root = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await root`create database faults`;
  await root.end();
  dbUrl = withDatabase(pg.adminUrl, 'faults');
  await migrateDatabase(dbUrl);
  admin = postgres(dbUrl, { max: 8, onnotice: () => {}, connection: { application_name: 'faults-test' } });
  api = await startApiProcess(dbUrl, {
    DATABASE_MAX_CONNECTIONS: '6',
    QUERY_TIMEOUT_MS: '30000',
    // Ample: a lookup that can reach the server must never run out of time on a busy machine.
    // The test of an outcome that cannot be learned runs its own process with a short budget.
    COMMIT_CONFIRM_TIMEOUT_MS: '30000',
  });
  org = await createOrganization(admin, 'faults');
  token = (await login(api, org.users.PHYSICIAN.email)).accessToken;
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await admin?.end({ timeout: 1 });
  await pg?.stop();
});

/** Waits (on pg_stat_activity, not the clock) until `where` matches API backends; their pids. */
function waitForApiBackend(where: string, db: postgres.Sql | postgres.TransactionSql = admin): Promise<number[]> {
  return waitFor(
    async () => {
      const rows = await db.unsafe<{ pid: number }[]>(`select pid from pg_stat_activity where ${API} and ${where}`);
      return rows.length > 0 ? rows.map((r) => r.pid) : null;
    },
    () => `an API backend with ${where} (API exited: ${api.hasExited()})`,
    60_000,
  );
}

async function terminate(pids: number[], db: postgres.Sql | postgres.TransactionSql = admin): Promise<void> {
  await db`select pg_terminate_backend(pid) from unnest(${pids}::int[]) as pid`;
}

/** Holds a row lock from another session until released. */
async function holdRowLock(table: 'ehr_patients', id: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const done = admin.begin(async (tx) => {
    await tx.unsafe(`select id from ${table} where id = $1 for update`, [id]);
    locked();
    await released;
  });
  done.catch(() => {}); // a restart ends it; that is expected
  await isLocked;
  return async () => {
    release();
    await done.catch(() => {});
  };
}

async function newPatient(): Promise<{ id: string; uuid: string }> {
  const mrn = `F-${randomUUID().slice(0, 8).toUpperCase()}`;
  const res = await api.gql(CREATE, { i: { mrn, firstName: 'Faye', lastName: 'Fault', dateOfBirth: '1970-01-01' } }, token);
  expect(res.errors, JSON.stringify(res.errors) + api.stderr()).toBeUndefined();
  const [row] = await admin<{ id: string }[]>`select id from ehr_patients where mrn = ${mrn}`;
  return { id: res.data!.createPatient.patient.id, uuid: row!.id };
}

async function auditRows(requestId: string): Promise<number> {
  const [row] = await admin<{ n: number }[]>`select count(*)::int as n from audit_log where request_id = ${requestId}`;
  return row!.n;
}

function expectAlive() {
  expect(api.hasExited(), `the API process exited:\n${api.stderr()}`).toBe(false);
}

async function expectServing() {
  const res = await api.gql(`{ me { id } }`, {}, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expectAlive();
}

describe('the API process survives a terminated backend', () => {
  it('while a mutation waits on a row lock (the reported crash): the write is refused as retryable and nothing changed', async () => {
    const patient = await newPatient();
    const release = await holdRowLock('ehr_patients', patient.uuid);
    const requestId = `fault-lock-${randomUUID()}`;
    const pending = api.gql(UPDATE, { i: { id: patient.id, version: 1, firstName: 'Never' } }, token, { 'x-request-id': requestId });
    await terminate(await waitForApiBackend(`wait_event_type = 'Lock'`));
    const res = await pending;
    await release();
    expect(res.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(res.errors?.[0]?.extensions.retryable).toBe(true);
    const [row] = await admin<{ first_name: string; version: number }[]>`select first_name, version from ehr_patients where id = ${patient.uuid}`;
    expect(row).toMatchObject({ first_name: 'Faye', version: 1 });
    expect(await auditRows(requestId)).toBe(0);
    await expectServing();
    const retried = await api.gql(UPDATE, { i: { id: patient.id, version: 1, firstName: 'Retried' } }, token);
    expect(retried.data?.updatePatient.patient).toMatchObject({ firstName: 'Retried', version: 2 });
  });

  it("while a request's read transaction is idle in transaction", async () => {
    const first = await newPatient();
    const second = await newPatient();
    const release = await holdRowLock('ehr_patients', second.uuid);
    // `a` reads through the request's shared read transaction; `b` then waits on the lock,
    // leaving that read transaction idle in transaction.
    const query = `mutation($a: UpdatePatientInput!, $b: UpdatePatientInput!) {
      a: updatePatient(input: $a) { patient { id version encounters(first: 1) { totalCount } } }
      b: updatePatient(input: $b) { patient { id version } }
    }`;
    const pending = api.gql(query, { a: { id: first.id, version: 1, firstName: 'A' }, b: { id: second.id, version: 1, firstName: 'B' } }, token);
    await waitForApiBackend(`wait_event_type = 'Lock'`);
    await terminate(await waitForApiBackend(`state = 'idle in transaction'`));
    await release();
    const res = await pending;
    expect(res.data?.a?.patient.version ?? res.errors?.[0]?.extensions.code).toBeTruthy();
    expect(res.data?.b?.patient.version).toBe(2);
    await expectServing();
  });

  it('while a read statement runs (waiting on a table lock)', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = admin.begin(async (tx) => {
      await tx`lock table ehr_patients in access exclusive mode`;
      locked();
      await released;
    });
    await isLocked;
    const pending = api.gql(`{ patients(first: 5) { edges { node { id } } } }`, {}, token);
    await terminate(await waitForApiBackend(`wait_event_type = 'Lock'`));
    release();
    await holder;
    const res = await pending;
    expect(res.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(res.errors?.[0]?.extensions.retryable).toBe(true);
    await expectServing();
  });

  it("during a fresh connection's startup (authentication, catalog reads, the driver's type lookup)", async () => {
    // Empty the pool, then make the next connection wait on a lock on pg_type, which a
    // new backend reads while it starts (before it even shows in pg_stat_activity) and
    // postgres.js reads right after; terminate that backend while it waits.
    await terminate(await waitForApiBackend('true'));
    const { pending } = await admin.begin(async (tx) => {
      await tx`lock table pg_catalog.pg_type in access exclusive mode`;
      const pending = api.gql(`{ me { id } }`, {}, token);
      const waiting = await waitFor(async () => {
        const rows = await tx<{ pid: number }[]>`
          select pid from pg_locks where not granted and relation = 'pg_catalog.pg_type'::regclass and pid <> pg_backend_pid()`;
        return rows.length > 0 ? rows.map((r) => r.pid) : null;
      }, 'a new connection waiting on pg_type');
      await terminate(waiting, tx);
      return { pending };
    });
    const answer = await pending;
    // The driver reconnects and starts again, so the request may even succeed.
    if (answer.errors) expect(answer.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    await expectServing();
  });
});

/** After an outage: asks until the API answers again (the pool reconnects by itself). */
async function waitUntilServing() {
  let last = '';
  await waitFor(
    async () => {
      expectAlive();
      const res = await api.gql(`{ a: me { id } b: me { id } c: patients(first: 1) { totalCount } }`, {}, token).catch((e: unknown) => {
        last = String(e);
        return null;
      });
      if (res?.errors) last = JSON.stringify(res.errors[0]);
      return res !== null && !res.errors;
    },
    () => `the API to serve again after the outage (last answer: ${last})`,
    60_000,
  );
}

describe('PostgreSQL restart with requests in flight', () => {
  it('in-flight requests get a clean retryable error, nothing half-written, and the same process serves afterwards', async () => {
    const patients = await Promise.all([newPatient(), newPatient(), newPatient()]);
    const releases = await Promise.all(patients.map((p) => holdRowLock('ehr_patients', p.uuid)));
    const requestIds = patients.map(() => `fault-restart-${randomUUID()}`);
    const pending = patients.map((p, i) =>
      api.gql(UPDATE, { i: { id: p.id, version: 1, firstName: 'Restart' } }, token, { 'x-request-id': requestIds[i]! }),
    );
    const reading = api.gql(`{ patients(first: 3) { edges { node { id firstName } } } }`, {}, token);
    await waitForLockWaits(admin, patients.length);
    const pid = api.pid;
    try {
      await pg.halt(); // fast shutdown: every backend, the lock holders included, is terminated
    } finally {
      // A restart, not an outage: PostgreSQL comes back while the answers are still due. An update that reached
      // COMMIT as its backend died asks the server whether it committed, and with the server down that lookup
      // would spend its whole budget (30 s here) before answering OUTCOME_UNKNOWN.
      await pg.resume();
    }
    const answers = await Promise.all(pending);
    await reading; // a read in flight answered too (data or error), without taking the process down
    await Promise.all(releases.map((r) => r()));
    await waitUntilServing();
    expect(api.pid).toBe(pid);
    // The lock holders die in the same shutdown; an update that got its row before its own
    // backend was terminated may even have committed. Either way the answer must say so.
    for (const [i, p] of patients.entries()) {
      const answer = answers[i]!;
      const [row] = await admin<{ version: number }[]>`select version from ehr_patients where id = ${p.uuid}`;
      const audited = await auditRows(requestIds[i]!);
      if (answer.errors?.[0]?.extensions.code === 'OUTCOME_UNKNOWN') {
        // Its connection died at COMMIT while the server was going down: either state is true,
        // but row and audit agree.
        expect(audited > 0).toBe(row!.version === 2);
      } else if (answer.errors) {
        expect(answer.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
        expect(answer.errors[0]!.extensions.retryable).toBe(true);
        expect(row!.version).toBe(1);
        expect(audited).toBe(0);
      } else {
        expect(answer.data?.updatePatient.patient.version).toBe(2);
        expect(row!.version).toBe(2);
        expect(audited).toBeGreaterThan(0);
      }
    }
  });
});

describe('a write whose connection dies at COMMIT is reported truthfully', () => {
  /** COMMIT waits for a synchronous standby that does not exist: locally durable, not yet acknowledged. */
  async function stallCommits(on: boolean) {
    if (on) await admin`alter system set synchronous_standby_names = 'faults_missing_standby'`;
    else await admin`alter system reset synchronous_standby_names`;
    await admin`select pg_reload_conf()`;
    // The reload is asynchronous: wait until a new session reads the setting, which means the
    // postmaster has re-read it and already signalled the API's backends (they apply it before
    // their next command). Otherwise, on a busy machine, a COMMIT could still run unstalled.
    const expected = on ? 'faults_missing_standby' : '';
    await waitFor(async () => {
      const fresh = postgres(dbUrl, { max: 1, onnotice: () => {} });
      try {
        const [row] = await fresh<{ value: string }[]>`select current_setting('synchronous_standby_names') as value`;
        return row!.value === expected;
      } finally {
        await fresh.end();
      }
    }, `synchronous_standby_names = '${expected}' in new sessions`);
  }

  it('committed: the client gets the normal payload, and row and audit are there', async () => {
    await stallCommits(true);
    const mrn = `C-${randomUUID().slice(0, 8).toUpperCase()}`;
    const requestId = `fault-commit-${randomUUID()}`;
    const pending = api.gql(CREATE, { i: { mrn, firstName: 'Committed', lastName: 'Anyway', dateOfBirth: '1980-02-02' } }, token, {
      'x-request-id': requestId,
    });
    const pids = await waitForApiBackend(`wait_event = 'SyncRep'`).finally(() => stallCommits(false));
    await terminate(pids);
    const res = await pending;
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data?.createPatient.patient.mrn).toBe(mrn);
    expect(await admin`select 1 from ehr_patients where mrn = ${mrn}`).toHaveLength(1);
    expect(await auditRows(requestId)).toBeGreaterThan(0);
    await expectServing();
  });

  it('unknowable (the server is down): OUTCOME_UNKNOWN, not "retry"; the commit is found after restart', async () => {
    // The server stays down until this answer arrives, so the lookup's budget is spent by design.
    const shortBudget = await startApiProcess(dbUrl, { DATABASE_MAX_CONNECTIONS: '2', COMMIT_CONFIRM_TIMEOUT_MS: '1500' });
    const mrn = `U-${randomUUID().slice(0, 8).toUpperCase()}`;
    try {
      await stallCommits(true);
      const pending = shortBudget.gql(CREATE, { i: { mrn, firstName: 'Unknown', lastName: 'Outcome', dateOfBirth: '1980-02-02' } }, token);
      await waitForApiBackend(`wait_event = 'SyncRep'`);
      // Written to postgresql.auto.conf now, read at the next start: the stalled backend keeps waiting.
      await admin`alter system reset synchronous_standby_names`;
      let res: Awaited<typeof pending>;
      try {
        await pg.halt();
        res = await pending;
      } finally {
        await pg.resume();
      }
      expect(res.errors?.[0]?.extensions.code).toBe('OUTCOME_UNKNOWN');
      expect(res.errors?.[0]?.extensions.retryable).toBe(false);
      expect(shortBudget.hasExited(), shortBudget.stderr()).toBe(false);
    } finally {
      await shortBudget.stop();
    }
    expectAlive();
    await waitUntilServing();
    expect(await admin`select 1 from ehr_patients where mrn = ${mrn}`).toHaveLength(1);
  });
});

describe('a burst of mutations while backends are terminated again and again', () => {
  const ENCOUNTER = `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`;
  const TOTAL = 500;
  const WORKERS = 6;

  it(`${TOTAL} mutations: the process lives, no partial write, no success without audit, no "retry" for a committed write`, async () => {
    const pid = api.pid;
    const patients = await Promise.all([newPatient(), newPatient()]);
    type Outcome = 'ok' | 'retryable' | 'unknown' | 'other';
    const answers: { kind: 'patient' | 'encounter'; requestId: string; marker: string; outcome: Outcome; detail: string }[] = [];
    let next = 0;
    let answered = 0;
    let terminated = 0;
    // Terminations are paced by progress (after every 5th answer), not by a timer,
    // so they land on backends in every state: idle, in transaction, mid-statement,
    // committing, and freshly reconnected.
    const terminateAll = async () => {
      const [row] = await admin<{ n: number }[]>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'health-graphql'`;
      terminated += row!.n;
    };
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const requestId = `burst-${i}-${randomUUID()}`;
        const marker = `B-${randomUUID().slice(0, 8).toUpperCase()}`;
        const kind = i % 2 === 0 ? 'patient' : 'encounter';
        const res =
          kind === 'patient'
            ? await api.gql(CREATE, { i: { mrn: marker, firstName: 'Burst', lastName: 'Load', dateOfBirth: '1990-03-03' } }, token, {
                'x-request-id': requestId,
              })
            : await api.gql(ENCOUNTER, { i: { patientId: patients[i % 2]!.id, encounterType: 'OUTPATIENT', reason: marker } }, token, {
                'x-request-id': requestId,
              });
        const error = res.errors?.[0];
        const outcome: Outcome = !error
          ? 'ok'
          : error.extensions.code === 'OUTCOME_UNKNOWN'
            ? 'unknown'
            : error.extensions.retryable === true
              ? 'retryable'
              : 'other';
        answers.push({ kind, requestId, marker, outcome, detail: JSON.stringify(error ?? null) });
        if (++answered % 5 === 0) await terminateAll();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expectAlive();
    expect(api.pid).toBe(pid);

    const rows = async (kind: 'patient' | 'encounter', marker: string) => {
      const [row] =
        kind === 'patient'
          ? await admin<{ n: number }[]>`select count(*)::int as n from ehr_patients where mrn = ${marker}`
          : await admin<{ n: number }[]>`select count(*)::int as n from encounters where reason = ${marker}`;
      return row!.n;
    };
    const tally = { ok: 0, retryable: 0, unknown: 0, other: 0, unknownCommitted: 0 };
    for (const a of answers) {
      tally[a.outcome]++;
      const written = await rows(a.kind, a.marker);
      const audited = await auditRows(a.requestId);
      // Rows and their audit commit together or not at all.
      expect(written > 0, `partial write ${JSON.stringify(a)}`).toBe(audited > 0);
      if (a.outcome === 'ok') expect(written, `success without a row ${JSON.stringify(a)}`).toBe(1);
      if (a.outcome === 'retryable') expect(written, `"retry" for a committed write ${JSON.stringify(a)}`).toBe(0);
      if (a.outcome === 'unknown' && written > 0) tally.unknownCommitted++;
    }
    const metrics = await fetch(api.metricsUrl).then((r) => r.text());
    const lookups = metrics.split('\n').filter((l) => l.startsWith('db_commit_outcome_lookups_total')).join('; ');
    console.log(`burst: ${TOTAL} mutations, ${terminated} backends terminated, answers ${JSON.stringify(tally)}; ${lookups || 'no COMMIT-time failures'}`);
    expect(answers.filter((a) => a.outcome === 'other').map((a) => a.detail)).toEqual([]);
    expect(answers).toHaveLength(TOTAL);
    expect(terminated).toBeGreaterThan(TOTAL / 10);
    // The pool reconnects after the storm (under load a first request may still be told to retry),
    // and no transaction was left holding a connection.
    await waitUntilServing();
    await waitFor(
      async () => /^db_pool_connections_in_use 0$/m.test(await fetch(api.metricsUrl).then((r) => r.text())),
      'every pool connection to be released after the storm',
    );
  }, 300_000);
});
