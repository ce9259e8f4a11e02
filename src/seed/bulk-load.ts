/**
 * Indexes built once after a bulk load instead of row by row during it: a
 * B-tree, GIN or GiST index maintained through millions of COPYed rows (random
 * UUID keys, a page touched per row, each touched page written to the WAL
 * again after every checkpoint) costs several times what one sorted build costs
 * afterwards. Dropped are the secondary indexes and the primary-key, unique and
 * exclusion constraints of the loaded tables that no foreign key depends on;
 * each is recreated from PostgreSQL's own definition (`pg_get_indexdef`,
 * `pg_get_constraintdef`), so the schema ends as it began, and a recreated
 * constraint checks every loaded row.
 */
import type postgres from 'postgres';
import { createLimiter } from './copy.js';

interface Deferred {
  /** Quoted name of the table (constraints) or index. */
  target: string;
  /** Quoted name of the constraint, null for an index. */
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
    select quote_ident(t.relname) as target, quote_ident(c.conname) as "constraintName", pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    where t.relnamespace = 'public'::regnamespace and t.relname = any(${tables as string[]}::text[])
      and c.contype in ('p', 'u', 'x')
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid)
    union all
    select quote_ident(ci.relname), null, pg_get_indexdef(i.indexrelid)
    from pg_index i
    join pg_class ci on ci.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace and t.relname = any(${tables as string[]}::text[])
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
  `;
  // Names and definitions are PostgreSQL's own (quote_ident, pg_get_*def); DDL takes no parameters.
  for (const d of deferred) {
    await sql.unsafe(d.constraintName ? `alter table ${d.target} drop constraint ${d.constraintName}` : `drop index ${d.target}`);
  }
  return async () => {
    const limit = createLimiter(concurrency);
    await Promise.all(
      deferred.map((d) =>
        limit(() =>
          sql.begin(async (tx) => {
            // A sort in memory for most builds; each build may also use parallel workers.
            await tx`select set_config('maintenance_work_mem', '256MB', true)`;
            await tx.unsafe(d.constraintName ? `alter table ${d.target} add constraint ${d.constraintName} ${d.definition}` : d.definition);
          }),
        ),
      ),
    );
  };
}
