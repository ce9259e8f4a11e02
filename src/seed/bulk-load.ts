/**
 * Indexes built once after a bulk load instead of row by row during it: a
 * B-tree, GIN or GiST index maintained through millions of COPYed rows (random
 * UUID keys, a page touched per row, each touched page written to the WAL
 * again after every checkpoint) costs several times what one sorted build costs
 * afterwards. Dropped are the secondary indexes of the loaded tables and their
 * primary-key, unique and exclusion constraints that no foreign key of a loaded
 * table depends on; the foreign keys of other tables (empty while seeding) that
 * reference them are dropped first and added back last. Everything is
 * recreated from PostgreSQL's own definition (`pg_get_indexdef`,
 * `pg_get_constraintdef`), so the schema ends as it began, and each recreated
 * constraint checks every row.
 */
import type postgres from 'postgres';
import { createLimiter } from './copy.js';

interface Deferred {
  /** What is dropped and rebuilt: an index, a key or exclusion constraint, or another table's foreign key. */
  kind: 'index' | 'key' | 'foreign key';
  /** Quoted name of the table (constraints) or of the index. */
  target: string;
  /** Quoted constraint name (null for an index). */
  constraintName: string | null;
  definition: string;
}

/**
 * Drops what of `tables` (schema public) can be built after the load and
 * returns the function that builds it again, `concurrency` builds at a time.
 */
export async function deferIndexes(sql: postgres.Sql, tables: readonly string[], concurrency: number): Promise<() => Promise<void>> {
  const loaded = tables as string[];
  // The foreign keys of other tables that reference a loaded table.
  const outsideKeys = await sql<{ target: string; constraintName: string | null; definition: string | null }[]>`
    select f.conrelid::regclass::text as target, quote_ident(f.conname)::text as "constraintName", pg_get_constraintdef(f.oid) as definition
    from pg_constraint f join pg_class t on t.oid = f.confrelid join pg_class c on c.oid = f.conrelid
    where f.contype = 'f' and t.relnamespace = 'public'::regnamespace and t.relname = any(${loaded}::text[])
      and not (c.relnamespace = 'public'::regnamespace and c.relname = any(${loaded}::text[]))
  `;
  // Keys and exclusion constraints of loaded tables that no foreign key of a loaded table depends on.
  const keys = await sql<{ target: string; constraintName: string | null; definition: string | null }[]>`
    select k.conrelid::regclass::text as target, quote_ident(k.conname)::text as "constraintName", pg_get_constraintdef(k.oid) as definition
    from pg_constraint k join pg_class t on t.oid = k.conrelid
    where k.contype in ('p', 'u', 'x') and t.relnamespace = 'public'::regnamespace and t.relname = any(${loaded}::text[])
      and not exists (select 1 from pg_constraint f join pg_class c on c.oid = f.conrelid
                      where f.contype = 'f' and f.conindid = k.conindid
                        and c.relnamespace = 'public'::regnamespace and c.relname = any(${loaded}::text[]))
  `;
  // Indexes of loaded tables that back no constraint.
  const indexes = await sql<{ target: string | null; definition: string | null }[]>`
    select quote_ident(ci.relname)::text as target, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace and t.relname = any(${loaded}::text[])
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
  `;
  const deferred: Deferred[] = [
    ...outsideKeys.map((r) => ({ kind: 'foreign key' as const, target: r.target, constraintName: r.constraintName, definition: r.definition! })),
    ...keys.map((r) => ({ kind: 'key' as const, target: r.target, constraintName: r.constraintName, definition: r.definition! })),
    ...indexes.map((r) => ({ kind: 'index' as const, target: r.target!, constraintName: null, definition: r.definition! })),
  ];
  // Names and definitions are PostgreSQL's own (regclass, quote_ident, pg_get_*def); DDL takes no parameters.
  for (const d of deferred) {
    await sql.unsafe(d.kind === 'index' ? `drop index ${d.target}` : `alter table ${d.target} drop constraint ${d.constraintName}`);
  }
  const build = (d: Deferred) =>
    sql.begin(async (tx) => {
      // A sort in memory for most builds; each build may also use parallel workers.
      await tx<{ maintenanceWorkMem: unknown | null }[]>`select set_config('maintenance_work_mem', '256MB', true) as maintenance_work_mem`;
      await tx.unsafe(d.kind === 'index' ? d.definition : `alter table ${d.target} add constraint ${d.constraintName} ${d.definition}`);
    });
  return async () => {
    const limit = createLimiter(concurrency);
    await Promise.all(deferred.filter((d) => d.kind !== 'foreign key').map((d) => limit(() => build(d))));
    // The keys they reference exist again.
    for (const d of deferred.filter((x) => x.kind === 'foreign key')) await build(d);
  };
}
