import type { QueryResolvers } from '../../../generated/graphql.js';
import { migrationLevel } from '../../../kernel/db/migrate.js';

/** Liveness of the database and the migration level; public, so it reveals nothing about any tenant. */
export const health: QueryResolvers['health'] = async (_root, _args, ctx) => {
  const sql = ctx.deps.db.sql;
  const database = await sql<{ ok: number }[]>`select 1 as ok`.then(
    () => 'UP' as const,
    () => 'DOWN' as const,
  );
  const migrations = database === 'UP' ? await migrationLevel(sql) : { current: null, latest: null, upToDate: false };
  return { database, migrations, checkedAt: new Date() };
};
