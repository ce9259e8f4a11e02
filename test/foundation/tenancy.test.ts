import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const EXPECTED_TABLES = [
  'organizations', 'users', 'roles', 'user_roles', 'departments', 'ehr_patients', 'encounters', 'vital_signs',
  'problem_list', 'clinical_notes', 'lab_tests', 'lab_results', 'imaging_orders', 'body_systems', 'anatomy_findings',
  'prescriptions', 'drug_allergies', 'appointments', 'opd_queue', 'service_catalog', 'invoices', 'invoice_line_items',
  'payments', 'workflow_definitions', 'workflow_instances', 'workflow_tasks', 'workflow_config', 'visual_workflows',
  'audit_log', 'refresh_tokens', 'workflow_transitions', 'tenant_counters', 'phi_access_log', 'idempotency_keys',
];

let app: TestApp;
let orgA: string;
let orgB: string;
let tenantTables: string[];

beforeAll(async () => {
  app = await createTestApp();
  await seedSyntheticData(app.admin, { patients: 40 });
  const orgs = await app.admin<{ id: string }[]>`select id from organizations order by slug`;
  [orgA, orgB] = orgs.map((o) => o.id) as [string, string];
  // One visual workflow and one audit row per organization so every tenant table has rows in both.
  for (const org of [orgA, orgB]) {
    await app.admin`insert into visual_workflows (organization_id, name) values (${org}, 'Diagram')`;
    await app.admin`insert into audit_log (organization_id, action, entity_type) values (${org}, 'test.seed', 'test')`;
    await app.admin`insert into phi_access_log (organization_id, request_id, patient_ids) values (${org}, 'r', '{}')`;
    await app.admin`
      insert into organization_drug_terms (organization_id, display_name, ingredients, created_by)
      select ${org}, 'Localmox', '{amoxicillin}', id from users where organization_id = ${org} limit 1`;
    await app.admin`
      insert into idempotency_keys (organization_id, user_id, key, request_fingerprint, request_id, expires_at)
      select ${org}, id, 'k', repeat('0', 64), 'r', now() + interval '1 day' from users where organization_id = ${org} limit 1`;
    // Tables of issue 20 that the synthetic data leaves empty: a critical-limit override, a corrected
    // lab result and a vital-sign set entered in error.
    await app.admin`
      insert into organization_lab_critical_limits (organization_id, analyte_key, unit, critical_high) values (${org}, 'POTASSIUM', 'mmol/L', 6.0)`;
    await app.admin`
      insert into lab_result_supersessions (organization_id, superseded_id, superseding_id, lab_test_id, kind, reason)
      select ${org}, a.id, b.id, a.lab_test_id, 'CORRECTION', 'test'
      from lab_results a join lab_results b on b.organization_id = a.organization_id and b.id <> a.id
      where a.organization_id = ${org} limit 1`;
    await app.admin`
      insert into vital_signs_entered_in_error (organization_id, vital_signs_id, reason, marked_by)
      select ${org}, v.id, 'test', u.id from vital_signs v join users u on u.organization_id = v.organization_id
      where v.organization_id = ${org} limit 1`;
    // A write-off of one cent on one collectible invoice, the invoice's amounts kept consistent.
    await app.admin`
      with i as (select id, patient_id, currency from invoices where organization_id = ${org} and invoice_is_collectible(status) limit 1),
      a as (insert into invoice_adjustments (organization_id, invoice_id, patient_id, kind, amount, currency, reason, created_by)
            select ${org}, i.id, i.patient_id, 'WRITE_OFF', 0.01, i.currency, 'Rounding',
                   (select id from users where organization_id = ${org} limit 1) from i returning invoice_id)
      update invoices v set amount_adjusted = v.amount_adjusted + 0.01, balance_due = v.balance_due - 0.01,
        status = invoice_status(v.total, v.amount_paid, v.amount_refunded, v.amount_adjusted + 0.01, true, false)
      from a where v.organization_id = ${org} and v.id = a.invoice_id`;
  }
  const rows = await app.admin<{ table_name: string }[]>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t using (table_schema, table_name)
    where c.table_schema = 'public' and c.column_name = 'organization_id' and t.table_type = 'BASE TABLE'
      -- a partition (of the logs) is reached through its parent; test/compliance/log-partitions.test.ts checks each one
      and not (select relispartition from pg_class where oid = format('%I', c.table_name)::regclass)
    order by 1`;
  tenantTables = rows.map((r) => r.table_name);
}, 120_000);
afterAll(() => app.close());

/** Runs `fn` as the application role with `org` set, exactly as request transactions do. */
async function asApp<T>(org: string, fn: (tx: any) => Promise<T>): Promise<T> {
  return (await app.admin.begin(async (tx) => {
    await tx`select set_config('role', 'health_app', true), set_config('app.organization_id', ${org}, true)`;
    return fn(tx);
  })) as T;
}

describe('schema and tenancy', () => {
  it('has every table of the Health V1 schema', async () => {
    const rows = await app.admin<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
    const names = rows.map((r) => r.table_name);
    for (const t of EXPECTED_TABLES) expect(names, t).toContain(t);
  });

  it('enables and forces row-level security on every tenant table', async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(30);
    const rows = await app.admin<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }[]>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relname = any(${tenantTables}) and relkind in ('r', 'p') and relnamespace = 'public'::regnamespace`;
    expect(rows).toHaveLength(tenantTables.length);
    for (const r of rows) {
      expect(r.relrowsecurity, r.relname).toBe(true);
      expect(r.relforcerowsecurity, r.relname).toBe(true);
    }
  });

  it('the application role is neither superuser nor BYPASSRLS', async () => {
    const [role] = await app.admin<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
      select rolsuper, rolbypassrls from pg_roles where rolname = 'health_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it('as the app role with organization A, no tenant table shows a row of organization B', async () => {
    for (const table of tenantTables) {
      const [both] = await app.admin.unsafe<{ a: string; b: string }[]>(
        `select count(*) filter (where organization_id = $1) as a, count(*) filter (where organization_id = $2) as b from ${table}`,
        [orgA, orgB],
      );
      if (table !== 'organizations' && table !== 'tenant_counters') {
        expect(Number(both!.b), `${table} has rows of B to hide`).toBeGreaterThan(0);
      }
      const seen: any = await asApp(orgA, (tx) =>
        tx.unsafe(`select count(*)::int as total, count(*) filter (where organization_id <> $1)::int as foreign from ${table}`, [orgA]),
      );
      expect(seen[0].foreign, table).toBe(0);
      expect(seen[0].total, table).toBe(Number(both!.a));
    }
    const orgs: any = await asApp(orgA, (tx) => tx`select id from organizations`);
    expect(orgs.map((o: { id: string }) => o.id)).toEqual([orgA]);
  });

  it('without an organization set, the app role sees nothing', async () => {
    const rows = await app.admin.begin(async (tx) => {
      await tx`select set_config('role', 'health_app', true)`;
      return tx`select count(*)::int as n from ehr_patients`;
    });
    expect(rows[0]!.n).toBe(0);
  });

  it('the app role cannot write rows into another organization', async () => {
    await expect(
      asApp(orgA, (tx) => tx`insert into departments (organization_id, name, code, department_type) values (${orgB}, 'X', 'XX', 'OUTPATIENT')`),
    ).rejects.toThrow(/row-level security/);
  });

  it('a reference to another organization\'s patient fails on the foreign key', async () => {
    const [patientB] = await app.admin<{ id: string }[]>`select id from ehr_patients where organization_id = ${orgB} limit 1`;
    const [providerA] = await app.admin<{ id: string }[]>`select id from users where organization_id = ${orgA} limit 1`;
    await expect(
      app.admin`insert into encounters (organization_id, patient_id, provider_id, encounter_type, status)
                values (${orgA}, ${patientB!.id}, ${providerA!.id}, 'OUTPATIENT', 'PLANNED')`,
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('audit_log is append-only, even for a superuser', async () => {
    await expect(app.admin`update audit_log set action = 'tampered'`).rejects.toThrow(/append-only/);
    await expect(app.admin`delete from audit_log`).rejects.toThrow(/append-only/);
    await expect(asApp(orgA, (tx) => tx`update audit_log set action = 'tampered'`)).rejects.toThrow(/permission denied/);
    await expect(asApp(orgA, (tx) => tx`delete from audit_log`)).rejects.toThrow(/permission denied/);
    const [{ n }] = (await app.admin`select count(*)::int as n from audit_log where action = 'tampered'`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it('the app role cannot hard-delete clinical records', async () => {
    await expect(asApp(orgA, (tx) => tx`delete from ehr_patients`)).rejects.toThrow(/permission denied/);
  });
});
