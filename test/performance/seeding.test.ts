/**
 * The fast seeder (issue 22: a million patients in minutes) loads without
 * foreign-key checks and triggers and builds the patient tables' indexes after
 * the load (src/seed/bulk-load.ts). What it must still guarantee: the schema
 * ends exactly as the migrations left it, every foreign key holds, and the
 * column a trigger would have derived (workflow_instances.patient_id) holds
 * the trigger's value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
}, 60_000);
afterAll(() => app?.close());

/** Every index and constraint of schema public, as PostgreSQL would recreate it. */
async function schemaShape(): Promise<string[]> {
  const rows = await app.admin<{ line: string }[]>`
    select c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) || ' valid=' || c.convalidated as line
    from pg_constraint c join pg_class t on t.oid = c.conrelid where t.relnamespace = 'public'::regnamespace
    union all
    select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace
    union all
    select tg.tgrelid::regclass::text || ' ' || tg.tgname || ' enabled=' || tg.tgenabled::text from pg_trigger tg
    join pg_class t on t.oid = tg.tgrelid where t.relnamespace = 'public'::regnamespace and not tg.tgisinternal
    order by 1`;
  return rows.map((r) => r.line);
}

describe('bulk seeding', () => {
  it('leaves the schema as migrated, with every foreign key and derived column holding', async () => {
    const before = await schemaShape();
    expect(before.length).toBeGreaterThan(200);
    await seedSyntheticData(app.admin, { patients: 400, deferIndexes: true });
    expect(await schemaShape()).toEqual(before);

    // Validated again: each foreign key dropped and re-added checks every row, then rolled back.
    const foreignKeys = await app.admin<{ tableName: string; name: string; definition: string }[]>`
      select c.conrelid::regclass::text as "tableName", quote_ident(c.conname) as name, pg_get_constraintdef(c.oid) as definition
      from pg_constraint c join pg_class t on t.oid = c.conrelid
      -- a partition's foreign keys are its parent's (conparentid): checked through the parent
      where c.contype = 'f' and c.conparentid = 0 and t.relnamespace = 'public'::regnamespace`;
    expect(foreignKeys.length).toBeGreaterThan(50);
    const checked = await app.admin
      .begin(async (tx) => {
        for (const fk of foreignKeys) {
          await tx.unsafe(`alter table ${fk.tableName} drop constraint ${fk.name}`);
          await tx.unsafe(`alter table ${fk.tableName} add constraint ${fk.name} ${fk.definition}`);
        }
        throw new Error('checked');
      })
      .catch((error: Error) => error.message);
    expect(checked).toBe('checked');

    const [instances] = await app.admin<{ total: number; wrong: number }[]>`
      select count(*)::int as total,
             count(*) filter (where wi.patient_id is distinct from lt.patient_id)::int as wrong
      from workflow_instances wi left join lab_tests lt on lt.organization_id = wi.organization_id and lt.id = wi.entity_id`;
    expect(instances!.total).toBeGreaterThan(0);
    expect(instances!.wrong).toBe(0);
  });
});
