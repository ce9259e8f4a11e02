import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEventPage,
  countAuditEvents,
  countPatientAccess,
  patientAccessPage,
  type AuditEventFilter,
} from '../../src/compliance/audit-trail-repository.js';
import type { TransactionSql } from '../../src/kernel/db/pool.js';
import { detachLogPartitions, ensureLogPartitions, parseRetentionPeriod } from '../../src/kernel/log-partitions.js';
import { CursorCodec, type PageRequest } from '../../src/kernel/pagination.js';
import { planOf } from '../helpers/explain.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { runScript } from '../helpers/run-script.js';
import { createTestApp, type TestApp, startSecondApi } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';

/**
 * audit_log and phi_access_log partitioned by month (migration 000018): where rows land, the
 * partitions a period's query reads, the append-only guarantees of every partition (those the job
 * makes later included), the job that makes them ahead, and retention.
 */
let app: TestApp;
let north: TestOrganization;
let south: TestOrganization;
let monthNow: Date;

const LOGS = ['audit_log', 'phi_access_log'] as const;
type Log = (typeof LOGS)[number];

/** The first instant (UTC) of the month `offset` months from the current one. */
const monthStart = (offset: number) => new Date(Date.UTC(monthNow.getUTCFullYear(), monthNow.getUTCMonth() + offset, 1));
const partitionOf = (log: Log, month: Date) => `${log}_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

const partitions = async (log: Log) =>
  (await app.admin<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${log}::regclass order by 1`).map((r) => r.name);

/** A row of `log` in `org` at `at`, inserted through the parent as the owner. */
async function insertRow(log: Log, org: string, at: Date | string, tag: string): Promise<void> {
  if (log === 'audit_log') {
    await app.admin`insert into audit_log (organization_id, action, entity_type, request_id, occurred_at) values (${org}, 'test.partition', 'test', ${tag}, ${at})`;
  } else {
    await app.admin`insert into phi_access_log (organization_id, request_id, patient_ids, accessed_at) values (${org}, ${tag}, '{}', ${at})`;
  }
}

const landedIn = async (log: Log, tag: string) =>
  (await app.admin.unsafe<{ part: string }[]>(`select tableoid::regclass::text as part from ${log} where request_id = $1`, [tag])).map((r) => r.part);

/** Runs `fn` as the application role in `org`, as request transactions do. */
function asApp<T>(org: string, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  return app.admin.begin(async (tx) => {
    await tx`select set_config('role', 'health_app', true), set_config('app.organization_id', ${org}, true)`;
    return fn(tx as unknown as TransactionSql);
  }) as Promise<T>;
}

/** `npm run logs:retention` as an operator runs it, against this file's database. */
const retentionCli = (args: string[]) => runScript('logs-retention.ts', args, app.databaseUrl);

beforeAll(async () => {
  app = await createTestApp();
  north = await createOrganization(app.admin, 'north-partitions');
  south = await createOrganization(app.admin, 'south-partitions');
  const [row] = await app.admin<{ now: Date }[]>`select now() as now`;
  monthNow = row!.now;
});
afterAll(() => app?.close());

describe('monthly partitions', () => {
  it('the migration made the current month and three ahead, and a default partition, for both logs', async () => {
    for (const log of LOGS) {
      const names = await partitions(log);
      for (const offset of [0, 1, 2, 3]) expect(names, log).toContain(partitionOf(log, monthStart(offset)));
      expect(names).toContain(`${log}_default`);
    }
  });

  it('rows land in the partition of their month: written by the API now, back- and forward-dated by hand', async () => {
    const tokens = await tokensByRole(app, north);
    const created = await app.gql(
      `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId } } }`,
      { i: { firstName: 'Paru', lastName: 'Partition', dateOfBirth: '1980-02-02' } },
      tokens.FRONT_DESK,
    );
    const patient = created.data!.createPatient.patient as { id: string; patientId: string };
    const read = await app.gql(`query { patient(id: "${patient.id}") { firstName } }`, {}, tokens.NURSE, { 'x-request-id': 'partition-read-1' });
    expect(read.errors).toBeUndefined();
    const audit = await app.admin<{ part: string }[]>`select tableoid::regclass::text as part from audit_log where entity_id = ${patient.patientId}`;
    expect(audit.map((r) => r.part)).toEqual([partitionOf('audit_log', monthNow)]);
    expect(await landedIn('phi_access_log', 'partition-read-1')).toEqual([partitionOf('phi_access_log', monthNow)]);

    for (const log of LOGS) {
      const inTwoMonths = new Date(monthStart(2).getTime() + 3 * 86_400_000);
      await insertRow(log, north.id, inTwoMonths, 'partition-ahead');
      expect(await landedIn(log, 'partition-ahead')).toEqual([partitionOf(log, monthStart(2))]);
      // The last instant of a month is the month's, the first of the next is the next's.
      await insertRow(log, north.id, new Date(monthStart(1).getTime() - 1), 'partition-edge-1');
      await insertRow(log, north.id, monthStart(1), 'partition-edge-2');
      expect(await landedIn(log, 'partition-edge-1')).toEqual([partitionOf(log, monthNow)]);
      expect(await landedIn(log, 'partition-edge-2')).toEqual([partitionOf(log, monthStart(1))]);
      // No partition covers 1990: the default partition keeps the row rather than refuse it.
      await insertRow(log, north.id, '1990-06-01T00:00:00Z', 'partition-default');
      expect(await landedIn(log, 'partition-default')).toEqual([`${log}_default`]);
    }
  });
});

describe('partition pruning', () => {
  const codec = CursorCodec.ephemeral();
  const page: PageRequest = { forward: true, limit: 20, cursor: null, ordering: 'plan', cursors: codec };
  const none: AuditEventFilter = { entityType: null, entityId: null, actorId: null, action: null, outcome: null, from: null, to: null };
  const PATIENT = '00000000-0000-4000-8000-000000000042';
  /** The log tables a plan reads (a partition appears as "on <table>"). */
  const tablesRead = (plan: string) => [...new Set([...plan.matchAll(/ on ((?:audit_log|phi_access_log)\w*)/g)].map((m) => m[1]!))].sort();

  it("a compliance query for one month reads that month's partition only", async () => {
    const month = { from: monthStart(1).toISOString(), to: monthStart(2).toISOString() };
    const audit = partitionOf('audit_log', monthStart(1));
    const phi = partitionOf('phi_access_log', monthStart(1));
    for (const [read, expected] of [
      [(tx: TransactionSql) => auditEventPage(tx, north.id, { ...none, ...month }, page), [audit]],
      [(tx: TransactionSql) => countAuditEvents(tx, north.id, { ...none, ...month, action: 'test.partition' }, null), [audit]],
      [(tx: TransactionSql) => patientAccessPage(tx, north.id, PATIENT, month, page), [audit, phi]],
      [(tx: TransactionSql) => countPatientAccess(tx, north.id, PATIENT, month, null), [audit, phi]],
    ] as const) {
      const plan = await planOf(app.admin, read as (tx: TransactionSql) => Promise<unknown[]>);
      expect(tablesRead(plan), plan).toEqual([...expected].sort());
    }
  });

  it('an open range reads every partition, the default one included', async () => {
    const plan = await planOf(app.admin, (tx) => auditEventPage(tx, north.id, none, page));
    const read = tablesRead(plan);
    expect(read).toContain('audit_log_default');
    expect(read.length).toBeGreaterThan(4);
  });
});

describe('append-only on every partition', () => {
  it('the job makes the coming months, as the runtime role, and does nothing more on its next run', async () => {
    // A row of a month no partition covers yet waits in the default partition, then moves into
    // its month's partition when the job makes it.
    const farMonth = monthStart(9);
    for (const log of LOGS) {
      await insertRow(log, south.id, new Date(farMonth.getTime() + 86_400_000), 'partition-far');
      expect(await landedIn(log, 'partition-far')).toEqual([`${log}_default`]);
    }
    const before = { audit: await partitions('audit_log'), phi: await partitions('phi_access_log') };
    expect(await ensureLogPartitions(app.admin, 9)).toBe(2 * 6); // months 4 to 9, for both logs
    for (const log of LOGS) {
      expect(await partitions(log)).toContain(partitionOf(log, farMonth));
      expect(await landedIn(log, 'partition-far')).toEqual([partitionOf(log, farMonth)]);
    }
    const after = { audit: await partitions('audit_log'), phi: await partitions('phi_access_log') };
    expect(after.audit.length).toBe(before.audit.length + 6);
    expect(await ensureLogPartitions(app.admin, 9)).toBe(0);
    expect(await ensureLogPartitions(app.admin, 3)).toBe(0);
    expect({ audit: await partitions('audit_log'), phi: await partitions('phi_access_log') }).toEqual(after);
    // Only the coming months: the runtime role cannot use it to make anything else.
    await expect(ensureLogPartitions(app.admin, 25)).rejects.toThrow(/between 0 and 24/);
    await expect(asApp(north.id, (tx) => tx`select log_partition_create('audit_log', '2001-01-01')`)).rejects.toThrow(/permission denied/);
  });

  it('runs on the job runner: an API with JOBS=in-process makes the months LOG_PARTITION_MONTHS_AHEAD asks for', async () => {
    const api = await startSecondApi(app.databaseUrl, { JOBS: 'in-process', JOBS_POLL_INTERVAL_MS: '100', LOG_PARTITION_MONTHS_AHEAD: '11' });
    try {
      // Both logs' months are made in one transaction: the second log's last month means all are there.
      await waitFor(async () => (await partitions('phi_access_log')).includes(partitionOf('phi_access_log', monthStart(11))), 'month +11 made by the job');
      for (const log of LOGS) for (const offset of [10, 11]) expect(await partitions(log)).toContain(partitionOf(log, monthStart(offset)));
    } finally {
      await api.stop();
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE on each partition directly, to the owner and to the application role', async () => {
    for (const log of LOGS) {
      const names = await partitions(log);
      expect(names).toContain(partitionOf(log, monthStart(9))); // made by the job, above
      expect(names).toContain(partitionOf(log, monthStart(11))); // made by the job runner, above
      const [parentRls] = await app.admin<{ policies: string[]; grants: string[] }[]>`
        select array(select polname::text from pg_policy where polrelid = ${log}::regclass order by 1) as policies,
               array(select a.grantee::regrole::text || ':' || a.privilege_type
                     from pg_class c cross join lateral aclexplode(c.relacl) a
                     where c.oid = ${log}::regclass and a.grantee <> c.relowner order by 1) as grants`;
      for (const name of names) {
        const month = /_y(\d{4})m(\d{2})$/.exec(name);
        const at = month ? `${month[1]}-${month[2]}-10T00:00:00Z` : '1990-06-01T00:00:00Z';
        await insertRow(log, north.id, at, `guard-${name}`);
        expect(await landedIn(log, `guard-${name}`)).toEqual([name]);
        const table = app.admin(name);
        await expect(app.admin`update ${table} set organization_id = organization_id`, name).rejects.toThrow(/append-only/);
        await expect(app.admin`delete from ${table}`, name).rejects.toThrow(/append-only/);
        await expect(app.admin`truncate ${table}`, name).rejects.toThrow(/append-only/);
        for (const statement of [`update ${name} set organization_id = organization_id`, `delete from ${name}`, `truncate ${name}`]) {
          await expect(asApp(north.id, (tx) => tx.unsafe(statement)), `${statement} as health_app`).rejects.toThrow(/permission denied/);
        }
        // The parent's row-level security, policies and grants, never more.
        const [own] = await app.admin<{ rls: boolean; forced: boolean; policies: string[]; grants: string[] }[]>`
          select c.relrowsecurity as rls, c.relforcerowsecurity as forced,
                 array(select polname::text from pg_policy where polrelid = c.oid order by 1) as policies,
                 array(select a.grantee::regrole::text || ':' || a.privilege_type
                       from aclexplode(c.relacl) a where a.grantee <> c.relowner order by 1) as grants
          from pg_class c where c.oid = ${name}::regclass`;
        expect(own, name).toEqual({ rls: true, forced: true, ...parentRls });
        // Read directly, a partition shows the application role its organization's rows only.
        const seen = await asApp(south.id, (tx) => tx.unsafe(`select count(*)::int as n from ${name} where organization_id <> $1`, [south.id]));
        expect(seen[0]!.n, name).toBe(0);
      }
      const [{ n }] = (await app.admin.unsafe(`select count(*)::int as n from ${log} where request_id like 'guard-%'`)) as unknown as [{ n: number }];
      expect(n).toBe(names.length);
    }
  });

  it('only the owner detaches a partition', async () => {
    const name = partitionOf('audit_log', monthStart(9));
    await expect(asApp(north.id, (tx) => tx.unsafe(`alter table audit_log detach partition ${name}`))).rejects.toThrow(/must be owner/);
    await expect(asApp(north.id, (tx) => tx`select * from detach_log_partitions(now() - interval '7 years', false)`)).rejects.toThrow(/permission denied/);
    expect(await partitions('audit_log')).toContain(name);
  });
});

describe('retention', () => {
  it('parses retention periods', () => {
    expect(parseRetentionPeriod('7y')).toEqual({ interval: '7 years', days: 2555 });
    expect(parseRetentionPeriod('84m')).toEqual({ interval: '84 months', days: 2520 });
    expect(parseRetentionPeriod('2555d')).toEqual({ interval: '2555 days', days: 2555 });
    for (const bad of ['', '7', 'y', '7w', '-7y', '7 y', '1.5y']) expect(parseRetentionPeriod(bad), bad).toBeNull();
  });

  it('detaches only the partitions wholly older than the cutoff, keeps the live ones and the default partition', async () => {
    // The month holding the cutoff (now - 7 years) ends after it: kept. The month before it and
    // one two years earlier end before it: retired.
    const [row] = await app.admin<{ cutoff: Date }[]>`select now() - interval '7 years' as cutoff`;
    const edge = new Date(Date.UTC(row!.cutoff.getUTCFullYear(), row!.cutoff.getUTCMonth(), 1));
    const older = new Date(Date.UTC(edge.getUTCFullYear(), edge.getUTCMonth() - 1, 1));
    const ancient = new Date(Date.UTC(edge.getUTCFullYear() - 2, edge.getUTCMonth(), 1));
    for (const log of LOGS) {
      for (const month of [ancient, older, edge]) {
        await app.admin`select log_partition_create(${log}::regclass, ${month.toISOString().slice(0, 10)}::date)`;
        await insertRow(log, north.id, new Date(month.getTime() + 86_400_000), `retention-${partitionOf(log, month)}`);
      }
    }
    const retired = LOGS.flatMap((log) => [partitionOf(log, ancient), partitionOf(log, older)]).sort();
    const before = { audit: await partitions('audit_log'), phi: await partitions('phi_access_log') };

    const dry = await detachLogPartitions(app.admin, parseRetentionPeriod('7y')!, { dryRun: true });
    expect(dry.map((p) => p.partition).sort()).toEqual(retired);
    expect(dry.every((p) => !p.detached && p.rangeTo <= row!.cutoff)).toBe(true);
    expect({ audit: await partitions('audit_log'), phi: await partitions('phi_access_log') }).toEqual(before);

    expect((await retentionCli(['--older-than', '6m'])).code).toBe(1);
    const cli = await retentionCli(['--older-than', '7y']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    for (const name of retired) expect(cli.stdout).toContain(`→ log_archive.${name}`);

    for (const log of LOGS) {
      const names = await partitions(log);
      expect(names).not.toContain(partitionOf(log, ancient));
      expect(names).not.toContain(partitionOf(log, older));
      expect(names).toContain(partitionOf(log, edge));
      expect(names).toContain(`${log}_default`);
      expect(names).toEqual((log === 'audit_log' ? before.audit : before.phi).filter((n) => !retired.includes(n)));
    }
    // The archived months keep their rows, stay append-only and are the owner's alone.
    for (const name of retired) {
      const archived = app.admin(`log_archive.${name}`);
      const rows = await app.admin`select 1 from ${archived}`;
      expect(rows.length, name).toBe(1);
      await expect(app.admin`delete from ${archived}`).rejects.toThrow(/append-only/);
      await expect(asApp(north.id, (tx) => tx.unsafe(`select 1 from log_archive.${name}`))).rejects.toThrow(/permission denied/);
    }
    // Nothing younger than a year is retention's, whatever the caller asks.
    await expect(app.admin`select * from detach_log_partitions(now() - interval '1 month', false)`).rejects.toThrow(/less than a year/);
    expect(await detachLogPartitions(app.admin, parseRetentionPeriod('7y')!, { dryRun: false })).toEqual([]);
  });
});
