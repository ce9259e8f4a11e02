/**
 * The benchmark database: a throwaway embedded PostgreSQL cluster (default)
 * or, on an existing server (`--database-url` / BENCH_DATABASE_URL, an admin
 * URL: a superuser, since the seeder COPYs into tables with forced RLS), a
 * database `health_bench_<patients>` of its own. There it is kept: a later run
 * at the same size reuses it when it was seeded completely by the same
 * migrations and seeder (a fingerprint in the database's comment), which
 * saves the seeding of a large data set (earlier runs' writes stay in it).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { startTemporaryPostgres, withDatabase, type EmbeddedServer } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { seedSyntheticData, type SeedSummary } from '../../src/seed/generate.js';
import { TABLE_ORDER, type TableName } from '../../src/seed/tables.js';
import { addNurseInbox } from './bench-data.js';
import { ROOT } from './servers.js';

export interface BenchDatabase {
  /** Superuser URL of the benchmark database (every server connects with it). */
  url: string;
  embedded: EmbeddedServer | null;
  /** Rows per seeded table (counted again when the database was reused). */
  seed: Pick<SeedSummary, 'rows' | 'totalRows'> & { elapsedMs: number | null };
  /** Whether an existing database seeded at this size was reused. */
  reused: boolean;
  name: string;
  serverVersion: string;
  stop(): Promise<void>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** What the data set is made of: the migrations, the seeder and the bench's own rows. */
function fingerprint(patients: number): string {
  const hash = createHash('sha256').update(`patients=${patients}\n`);
  const sources = ['migrations/committed', 'src/seed', 'bench/lib/bench-data.ts'];
  for (const source of sources) {
    const full = path.join(ROOT, source);
    const files = source.endsWith('.ts') ? [full] : readdirSync(full, { recursive: true, encoding: 'utf8' }).map((f) => path.join(full, f)).filter((f) => /\.(ts|sql)$/.test(f));
    for (const file of files.sort()) hash.update(`${path.relative(ROOT, file)}\n`).update(readFileSync(file));
  }
  return `health-bench ${hash.digest('hex').slice(0, 32)}`;
}

export async function prepareDatabase(options: {
  patients: number;
  adminUrl?: string | undefined;
  /** Seed again even when a database seeded at this size exists. */
  reseed?: boolean;
  log: (line: string) => void;
}): Promise<BenchDatabase> {
  let embedded: EmbeddedServer | null = null;
  let adminUrl = options.adminUrl;
  if (!adminUrl) {
    options.log('db: starting a temporary embedded PostgreSQL cluster');
    embedded = await startTemporaryPostgres('bench');
    adminUrl = embedded.adminUrl;
  }
  const name = embedded ? 'health_bench' : `health_bench_${options.patients}`;
  const url = withDatabase(adminUrl, name);
  const expected = fingerprint(options.patients);
  try {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    let reused = false;
    try {
      const [existing] = await admin<{ comment: string | null }[]>`
        select shobj_description(oid, 'pg_database') as comment from pg_database where datname = ${name}`;
      reused = !embedded && !options.reseed && existing?.comment === expected;
      if (!reused) {
        // DDL takes no parameters: the name is the bench's own (health_bench_<number>), quoted by quoteIdent.
        await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
        await admin.unsafe(`create database ${quoteIdent(name)}`);
      }
    } finally {
      await admin.end({ timeout: 5 });
    }
    const sql = postgres(url, { max: 4, onnotice: () => {}, connection: { application_name: 'bench-seed' } });
    try {
      let seed: BenchDatabase['seed'];
      if (reused) {
        options.log(`db: reusing ${name}, seeded with ${options.patients.toLocaleString('en-US')} patients by the same migrations and seeder`);
        seed = { ...(await countRows(sql)), elapsedMs: null };
      } else {
        await migrateDatabase(url);
        // graphile-migrate keeps idle connections ~200 ms and exits the process if one breaks.
        await delay(400);
        const summary = await seedSyntheticData(sql, { patients: options.patients, seed: 1, log: options.log });
        options.log(`db: ${await addNurseInbox(sql)} open nurse tasks added for the task inbox`);
        // The seeder analyzed every table; vacuum sets the visibility map (index-only scans), as
        // autovacuum would on a live database, and the inbox's table gets its statistics.
        options.log('db: vacuum');
        // Constant utility commands (VACUUM cannot run as a prepared statement).
        await sql.unsafe('vacuum');
        await sql.unsafe('analyze workflow_tasks');
        seed = { rows: summary.rows, totalRows: summary.totalRows, elapsedMs: summary.elapsedMs };
        // Marked only once complete: an interrupted seed is never reused.
        // COMMENT takes no parameters: `expected` is our own 'health-bench <hex>' fingerprint, the name quoted.
        if (!embedded) await sql.unsafe(`comment on database ${quoteIdent(name)} is '${expected}'`);
      }
      const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;
      return {
        url,
        embedded,
        seed,
        reused,
        name,
        serverVersion: row?.version ?? '',
        stop: async () => {
          await embedded?.stop().catch(() => {});
        },
      };
    } finally {
      await sql.end({ timeout: 5 });
    }
  } catch (error) {
    await embedded?.stop().catch(() => {});
    throw error;
  }
}

async function countRows(sql: postgres.Sql): Promise<Pick<SeedSummary, 'rows' | 'totalRows'>> {
  const rows = {} as Record<TableName, number>;
  // Table names are the seeder's own constants; an estimate would do, but an exact count is cheap next to a load.
  for (const table of TABLE_ORDER) {
    const [count] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
    rows[table] = count?.n ?? 0;
  }
  return { rows, totalRows: Object.values(rows).reduce((a, n) => a + n, 0) };
}
