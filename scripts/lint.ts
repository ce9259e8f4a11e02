/**
 * `npm run lint`: eslint + SafeQL against a freshly migrated database, so a
 * query naming a missing table, column or wrong type fails the lint.
 * Uses LINT_DATABASE_ADMIN_URL (a superuser URL) when set, else an embedded PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import postgres from 'postgres';
import { startTemporaryPostgres, withDatabase } from '../src/kernel/db/embedded.js';
import { migrateDatabase } from '../src/kernel/db/migrate.js';

async function main(): Promise<number> {
  let adminUrl = process.env.LINT_DATABASE_ADMIN_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const server = await startTemporaryPostgres('lint');
    adminUrl = server.adminUrl;
    stop = server.stop;
  }
  const name = `health_lint_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // DDL takes no bind parameters; `name` is built here from the process id, never from input.
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    const url = withDatabase(adminUrl, name);
    await migrateDatabase(url);
    const args = ['eslint', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['.'])];
    const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, SAFEQL_DATABASE_URL: url } });
    if (result.error) process.stderr.write(`lint: eslint did not run: ${result.error.message}\n`);
    if (result.signal) process.stderr.write(`lint: eslint was killed by ${result.signal}\n`);
    return result.status ?? 1;
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lint: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
