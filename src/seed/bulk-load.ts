/**
 * Secondary indexes built once after a bulk load instead of row by row during
 * it: a B-tree or GIN index maintained through millions of COPYed rows costs
 * several times what one sorted build costs afterwards. Only indexes no
 * constraint depends on are dropped (primary keys, unique and exclusion
 * constraints and the keys foreign keys reference stay), and each is
 * recreated from its own `pg_get_indexdef`, so the schema ends as it began.
 */
import type postgres from 'postgres';
import { createLimiter } from './copy.js';

interface IndexDefinition {
  name: string;
  definition: string;
}

/**
 * Drops the secondary indexes of `tables` (schema public) and returns the
 * function that builds them again, `concurrency` at a time.
 */
export async function deferSecondaryIndexes(
  sql: postgres.Sql,
  tables: readonly string[],
  concurrency: number,
): Promise<() => Promise<void>> {
  const indexes = await sql<IndexDefinition[]>`
    select quote_ident(ci.relname) as name, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    join pg_class ci on ci.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace and t.relname = any(${tables as string[]}::text[])
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
    order by t.relname, ci.relname
  `;
  // Index names are PostgreSQL's own, quoted by quote_ident; DDL takes no parameters.
  for (const index of indexes) await sql.unsafe(`drop index ${index.name}`);
  return async () => {
    const limit = createLimiter(concurrency);
    await Promise.all(
      indexes.map((index) =>
        limit(() =>
          sql.begin(async (tx) => {
            // A sort in memory for most builds; each build may also use parallel workers.
            await tx.unsafe(`set local maintenance_work_mem = '256MB'`);
            await tx.unsafe(index.definition);
          }),
        ),
      ),
    );
  };
}
