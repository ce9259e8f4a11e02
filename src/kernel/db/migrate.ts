import { Logger, migrate as graphileMigrate } from 'graphile-migrate';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './pool.js';

export const MIGRATIONS_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

/** Applies every committed migration (never `current.sql`). */
export async function migrateDatabase(connectionString: string): Promise<void> {
  await graphileMigrate({
    connectionString,
    migrationsFolder: MIGRATIONS_FOLDER,
    logger: quietLogger,
  });
}

export interface MigrationLevel {
  /** Last applied migration as graphile-migrate records it, e.g. `000002.sql`; null on an empty database. */
  current: string | null;
  /** The newest committed migration shipped with this build, in the same form. */
  latest: string | null;
  upToDate: boolean;
}

export async function committedMigrations(): Promise<string[]> {
  const files = await readdir(path.join(MIGRATIONS_FOLDER, 'committed'));
  return files.filter((f) => f.endsWith('.sql')).sort();
}

export async function migrationLevel(sql: Sql): Promise<MigrationLevel> {
  const [files, rows] = await Promise.all([
    committedMigrations(),
    // graphile_migrate's own bookkeeping table; SafeQL cannot see it (created by the tool, not our migrations).
    sql.unsafe<{ filename: string }[]>(
      `select filename from graphile_migrate.migrations order by filename desc limit 1`,
    ).catch(() => [] as { filename: string }[]),
  ]);
  const current = rows[0]?.filename ?? null;
  // Committed files are named `000002-some-message.sql`; graphile-migrate records them as `000002.sql`.
  const newest = files.at(-1);
  const latest = newest ? `${newest.slice(0, 6)}.sql` : null;
  return { current, latest, upToDate: current === latest };
}

/** graphile-migrate narrates every step; failures reach us as thrown errors instead. */
const quietLogger = new Logger(() => () => {});
