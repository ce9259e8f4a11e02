import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Tenant rows reach their organization through keys that never lock its row (migration 000019): a table keeps a
 * plain key to organizations only where no key to another tenant table implies it, and organizations are never
 * deleted. Checked on the migrated catalog for every table, so a table added later is held to the same rule.
 */
let app: TestApp;

/** Tables without any key to organizations: append-only logs whose row-level security admits only the scope's organization. */
const LOGS = ['audit_log', 'phi_access_log'];

interface ForeignKey {
  table: string;
  references: string;
  columns: string[];
  referencedColumns: string[];
  notNull: boolean;
}

beforeAll(async () => {
  app = await createTestApp();
  await seedSyntheticData(app.admin, { patients: 5 });
});
afterAll(() => app.close());

async function tenantTables(): Promise<string[]> {
  const rows = await app.admin<{ name: string }[]>`
    select c.relname as name from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`;
  return rows.map((r) => r.name);
}

async function foreignKeys(): Promise<ForeignKey[]> {
  return app.admin<ForeignKey[]>`
    select c.conrelid::regclass::text as "table", c.confrelid::regclass::text as "references",
           array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
           array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
                 join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as "referencedColumns",
           not exists (select 1 from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k
                       where not a.attnotnull) as "notNull"
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace and c.conparentid = 0`;
}

/** The tables whose every row names an existing organization, by a key to organizations or to such a table. */
function reachingOrganizations(keys: ForeignKey[]): Set<string> {
  const reached = new Set(['organizations']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const key of keys) {
      if (reached.has(key.table) || !reached.has(key.references) || !key.notNull) continue;
      const direct = key.references === 'organizations' && key.columns.join() === 'organization_id' && key.referencedColumns.join() === 'id';
      const sameOrganization = key.columns[0] === 'organization_id' && key.referencedColumns[0] === 'organization_id';
      if (direct || sameOrganization) {
        reached.add(key.table);
        grew = true;
      }
    }
  }
  return reached;
}

describe('organization keys', () => {
  it('every tenant table but the logs reaches organizations through NOT NULL keys that keep the organization', async () => {
    const reached = reachingOrganizations(await foreignKeys());
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThan(30);
    expect(tables.filter((t) => !reached.has(t) && !LOGS.includes(t))).toEqual([]);
  });

  it('no table keeps a plain key to organizations that another of its keys already implies', async () => {
    const keys = await foreignKeys();
    const reached = reachingOrganizations(keys);
    const redundant = keys
      .filter((k) => k.references === 'organizations')
      .filter((k) =>
        keys.some(
          (other) =>
            other.table === k.table &&
            other.references !== 'organizations' &&
            other.references !== k.table &&
            reached.has(other.references) &&
            other.notNull &&
            other.columns[0] === 'organization_id' &&
            other.referencedColumns[0] === 'organization_id',
        ),
      )
      .map((k) => k.table);
    expect(redundant).toEqual([]);
  });

  it('the logs admit a row only for the organization of the transaction scope', async () => {
    const policies = await app.admin<{ table: string; withCheck: string | null; forced: boolean }[]>`
      select c.relname as "table", pg_get_expr(p.polwithcheck, p.polrelid) as "withCheck", c.relforcerowsecurity as forced
      from pg_policy p join pg_class c on c.oid = p.polrelid
      where c.relname = any(${LOGS}::text[]) and p.polname = 'tenant_isolation' order by 1`;
    expect(policies).toEqual(LOGS.map((table) => ({ table, withCheck: '(organization_id = app_current_org())', forced: true })));
  });

  it('an organization is never deleted or truncated, even by the owner, and keeps its rows', async () => {
    const [org] = await app.admin<{ id: string; patients: number }[]>`
      select o.id, (select count(*)::int from ehr_patients p where p.organization_id = o.id) as patients
      from organizations o order by o.slug limit 1`;
    await expect(app.admin`delete from organizations where id = ${org!.id}`).rejects.toMatchObject({ code: '23001' });
    // CASCADE reaches the append-only logs too, whose own trigger may refuse first: either way nothing goes.
    await expect(app.admin`truncate organizations cascade`).rejects.toThrow(/never deleted|append-only/);
    const [after] = await app.admin<{ patients: number }[]>`
      select count(*)::int as patients from ehr_patients where organization_id = ${org!.id}`;
    expect(after!.patients).toBe(org!.patients);
    expect(org!.patients).toBeGreaterThan(0);
  });

  it('a row naming an organization that does not exist is refused by the key it keeps', async () => {
    const [patient] = await app.admin<{ id: string; providerId: string }[]>`
      select p.id, u.id as "providerId" from ehr_patients p join users u using (organization_id) limit 1`;
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(
      app.admin`insert into encounters (organization_id, patient_id, provider_id, encounter_type)
                values (${missing}, ${patient!.id}, ${patient!.providerId}, 'OUTPATIENT')`,
    ).rejects.toMatchObject({ code: '23503' });
  });
});
