/**
 * `npm run lint`: eslint + SafeQL against a freshly migrated database, so a
 * query naming a missing table, column or wrong type fails the lint.
 * Uses LINT_DATABASE_ADMIN_URL (a superuser URL) when set, else an embedded PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import postgres from 'postgres';
import { startEmbeddedPostgres, withDatabase } from '../src/kernel/db/embedded.js';
import { migrateDatabase } from '../src/kernel/db/migrate.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function main(): Promise<number> {
  let adminUrl = process.env.LINT_DATABASE_ADMIN_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dataDir = `/tmp/health-lint-pg-${process.pid}-${randomBytes(4).toString('hex')}`;
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = server.adminUrl;
    stop = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const name = `health_lint_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    const url = withDatabase(adminUrl, name);
    await migrateDatabase(url);
    const args = ['eslint', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['.'])];
    const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, SAFEQL_DATABASE_URL: url } });
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
