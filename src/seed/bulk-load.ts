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
  const deferred = await sql<Deferred[]>`
    /* deferIndexes */
    with loaded as (
      select t.oid from pg_class t
      where t.relnamespace = 'public'::regnamespace and t.relname = any(${tables as string[]}::text[])
    ),
    outside_keys as (
      select f.oid, f.conindid from pg_constraint f
      where f.contype = 'f' and f.confrelid in (select oid from loaded) and f.conrelid not in (select oid from loaded)
    )
    select 'foreign key' as kind, c.conrelid::regclass::text as target, quote_ident(c.conname) as "constraintName",
           pg_get_constraintdef(c.oid) as definition
    from pg_constraint c where c.oid in (select oid from outside_keys)
    union all
    select 'key', c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
    from pg_constraint c
    where c.conrelid in (select oid from loaded) and c.contype in ('p', 'u', 'x')
      and not exists (select 1 from pg_constraint f
                      where f.contype = 'f' and f.conindid = c.conindid and f.conrelid in (select oid from loaded))
    union all
    select 'index', quote_ident(ci.relname), null, pg_get_indexdef(i.indexrelid)
    from pg_index i join pg_class ci on ci.oid = i.indexrelid
    where i.indrelid in (select oid from loaded)
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
  `;
  // Names and definitions are PostgreSQL's own (regclass, quote_ident, pg_get_*def); DDL takes no parameters.
  for (const d of deferred) {
    await sql.unsafe(d.kind === 'index' ? `drop index ${d.target}` : `alter table ${d.target} drop constraint ${d.constraintName}`);
  }
  const build = (d: Deferred) =>
    sql.begin(async (tx) => {
      // A sort in memory for most builds; each build may also use parallel workers.
      await tx`select set_config('maintenance_work_mem', '256MB', true)`;
      await tx.unsafe(d.kind === 'index' ? d.definition : `alter table ${d.target} add constraint ${d.constraintName} ${d.definition}`);
    });
  return async () => {
    const limit = createLimiter(concurrency);
    await Promise.all(deferred.filter((d) => d.kind !== 'foreign key').map((d) => limit(() => build(d))));
    // The keys they reference exist again.
    for (const d of deferred.filter((x) => x.kind === 'foreign key')) await build(d);
  };
}
