/**
 * Database commands (npm run db:migrate | db:reset | db:seed):
 *
 *   tsx scripts/db.ts migrate
 *   tsx scripts/db.ts reset
 *   tsx scripts/db.ts seed [--patients N] [--organizations N] [--seed N]
 *
 * Targets MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded
 * PostgreSQL (data in EMBEDDED_PG_DATA_DIR, default .data/postgres), which is
 * started for the command and stopped afterwards. Every command creates or
 * writes across organizations, so it runs as the migration role, never as the
 * API's runtime role. Errors print one line and exit 1.
 */
import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { applyEnvFile } from '../src/kernel/env-file.js';
import { withDatabase } from '../src/kernel/db/embedded.js';
import { migrateDatabase } from '../src/kernel/db/migrate.js';
import { migrateJobQueue } from '../src/kernel/jobs.js';
import { describeConnectionError } from '../src/kernel/db/pool.js';
import { EMBEDDED_DATABASE, provisionDatabase, type ProvisionedDatabase } from '../src/kernel/db/provision.js';
import { demoLoginsText } from '../src/seed/demo-accounts.js';
import { seedSyntheticData, type SeedSummary } from '../src/seed/generate.js';

const USAGE = `usage: tsx scripts/db.ts <command> [options]

commands:
  migrate   apply the committed migrations
  reset     drop and recreate the database, then migrate (all data is lost)
  seed      reset, then load deterministic synthetic data and print the demo logins

seed options:
  --patients N        patients in total, split across organizations (default 1000)
  --organizations N   organizations (default 2: northwind, southside)
  --seed N            random seed (default 1); the same seed gives the same data

Uses MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded PostgreSQL in .data/postgres.`;

class UsageError extends Error {}

interface Args {
  command: 'migrate' | 'reset' | 'seed';
  patients: number;
  organizations: number;
  seed: number;
}

function parseArgs(argv: string[]): Args | 'help' {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return 'help';
  const [command, ...rest] = argv;
  if (command !== 'migrate' && command !== 'reset' && command !== 'seed') {
    throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  }
  const args: Args = { command, patients: 1000, organizations: 2, seed: 1 };
  const limits = { patients: [0, 50_000_000], organizations: [1, 100], seed: [0, 2 ** 32 - 1] } as const;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const match = /^--(patients|organizations|seed)(?:=(.*))?$/.exec(arg);
    if (!match || command !== 'seed') throw new UsageError(`unknown option "${arg}" for ${command}`);
    const name = match[1] as keyof typeof limits;
    const raw = match[2] ?? rest[++i];
    if (raw === undefined || !/^\d+$/.test(raw)) throw new UsageError(`--${name} needs a whole number`);
    const value = Number(raw);
    const [min, max] = limits[name];
    if (value < min || value > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
    args[name] = value;
  }
  return args;
}

/** Where the command acts, for messages (no credentials). */
function describeTarget(url: string, embedded: boolean): string {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  return embedded
    ? `database "${name}" of the embedded PostgreSQL (port ${parsed.port})`
    : `database "${name}" at ${parsed.hostname}:${parsed.port || '5432'}`;
}

/** DDL takes no bind parameters: database names are quoted as identifiers (they come from DATABASE_URL, not users). */
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Applies the migrations, then waits for graphile-migrate's pool to close: it
 * keeps idle connections for 200 ms and calls process.exit(1) when one of them
 * fails, which stopping the embedded server right away would cause.
 */
async function migrate(url: string): Promise<void> {
  try {
    await migrateDatabase(url);
    // The job queue's own schema (graphile-worker), as `npm start` installs it: compose's one-shot
    // `migrate` service runs this command while the API starts with MIGRATE_ON_START=false.
    await migrateJobQueue(url);
  } catch (error) {
    throw new Error(describeFailure(error, url));
  }
  await delay(400);
}

/** Drops and recreates the target database (via the server's `postgres` maintenance database), then migrates. */
async function reset(db: ProvisionedDatabase): Promise<void> {
  const url = db.migrationUrl;
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name || ['postgres', 'template0', 'template1'].includes(name)) {
    throw new Error(`refusing to reset the "${name || '(none)'}" database: point DATABASE_URL at an application database`);
  }
  const adminUrl = db.embedded ? db.embedded.adminUrl : withDatabase(url, 'postgres');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    await admin.unsafe(`create database ${quoteIdent(name)}`);
  } catch (error) {
    throw new Error(describeFailure(error, adminUrl));
  } finally {
    await admin.end({ timeout: 5 });
  }
  await migrate(url);
  process.stdout.write(`db: reset ${describeTarget(url, db.embedded !== null)}: dropped, recreated and migrated\n`);
}

const plural = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

function printSummary(summary: SeedSummary): void {
  const lines = [
    `db: seeded ${plural(summary.patients, 'patient')} in ${plural(summary.organizations, 'organization')}: ` +
      `${summary.totalRows.toLocaleString('en-US')} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
  ];
  for (const [table, count] of Object.entries(summary.rows)) {
    lines.push(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(12)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function describeFailure(error: unknown, url: string): string {
  const code = (error as { code?: string }).code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECT_TIMEOUT', '3D000', '28P01', '28000'].includes(code)) {
    return describeConnectionError(error, url);
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`db: ${error.message}\n\n${USAGE}\n`);
      return 1;
    }
    throw error;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let db: ProvisionedDatabase | null = null;
  const stop = async () => {
    const embedded = db?.embedded;
    db = null;
    await embedded?.stop().catch(() => {});
  };
  const interrupted = (signal: string) => {
    process.stderr.write(`db: interrupted (${signal})\n`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));

  try {
    applyEnvFile('.env');
    const config = loadConfig();
    if (args.command === 'seed' && config.env === 'production') {
      throw new ConfigError('db:seed writes demo accounts with a public password: refused when NODE_ENV=production');
    }
    db = await provisionDatabase(config.database);
    const url = db.migrationUrl;
    if (db.embedded) process.stdout.write(`db: using the embedded PostgreSQL (${config.database.embeddedDataDir}, port ${db.embedded.port}, database "${EMBEDDED_DATABASE}")\n`);
    switch (args.command) {
      case 'migrate':
        await migrate(url);
        process.stdout.write(`db: migrated ${describeTarget(url, db.embedded !== null)}\n`);
        break;
      case 'reset':
        await reset(db);
        break;
      case 'seed': {
        process.stdout.write('db: seed starts from an empty database: resetting it first\n');
        await reset(db);
        const sql = postgres(url, { max: 4, onnotice: () => {}, connection: { application_name: 'health-seed' } });
        try {
          const summary = await seedSyntheticData(sql, {
            patients: args.patients,
            organizations: args.organizations,
            seed: args.seed,
            log: (line) => process.stdout.write(`${line}\n`),
          });
          printSummary(summary);
          process.stdout.write(`\n${demoLoginsText()}\n`);
        } finally {
          await sql.end({ timeout: 5 });
        }
        break;
      }
    }
    return 0;
  } catch (error) {
    const message =
      error instanceof ConfigError ? `invalid configuration: ${error.message}` : describeFailure(error, db?.migrationUrl ?? '');
    process.stderr.write(`db: ${message}\n`);
    return 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`db: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
