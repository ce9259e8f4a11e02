import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './pool.js';

/**
 * The folder holding `.gmrc`, `migrations/` and `schema/`, found upward from
 * this file, so both `src/` (tsx) and a `dist/` build resolve it.
 */
export function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, '.gmrc'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find .gmrc above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

const PROJECT_ROOT = findProjectRoot();
export const MIGRATIONS_FOLDER = path.join(PROJECT_ROOT, 'migrations');

/**
 * Applies every committed migration (never `current.sql`) by running the
 * graphile-migrate CLI in a child process. In-process, graphile-migrate keeps a
 * pg pool whose error handler calls `process.exit(1)`; a later `drop database …
 * with (force)` or a stopped test cluster would then kill this process.
 */
export async function migrateDatabase(connectionString: string): Promise<void> {
  const cli = createRequire(import.meta.url).resolve('graphile-migrate/dist/cli.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate'], {
      cwd: PROJECT_ROOT, // where .gmrc names ./migrations
      env: { ...process.env, DATABASE_URL: connectionString },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
      const reason = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? `exit code ${code}`;
      reject(new Error(`migration failed: ${reason}`));
    });
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
