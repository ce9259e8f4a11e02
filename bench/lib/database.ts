/**
 * The benchmark database: a throwaway embedded PostgreSQL cluster (default)
 * or a database created on the server named by BENCH_DATABASE_URL (an admin
 * URL: a superuser, since the seeder COPYs into tables with forced RLS).
 * Reset, migrated and seeded with the deterministic synthetic data set.
 */
import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { startTemporaryPostgres, withDatabase, type EmbeddedServer } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { seedSyntheticData, type SeedSummary } from '../../src/seed/generate.js';
import { addNurseInbox } from './bench-data.js';

export interface BenchDatabase {
  /** Superuser URL of the benchmark database (every server connects with it). */
  url: string;
  embedded: EmbeddedServer | null;
  seed: SeedSummary;
  serverVersion: string;
  stop(): Promise<void>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function prepareDatabase(options: {
  patients: number;
  adminUrl?: string | undefined;
  log: (line: string) => void;
}): Promise<BenchDatabase> {
  let embedded: EmbeddedServer | null = null;
  let adminUrl = options.adminUrl;
  if (!adminUrl) {
    options.log('db: starting a temporary embedded PostgreSQL cluster');
    embedded = await startTemporaryPostgres('bench');
    adminUrl = embedded.adminUrl;
  }
  const name = 'health_bench';
  const url = withDatabase(adminUrl, name);
  try {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
      await admin.unsafe(`create database ${quoteIdent(name)}`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    await migrateDatabase(url);
    // graphile-migrate keeps idle connections ~200 ms and exits the process if one breaks.
    await delay(400);
    const sql = postgres(url, { max: 4, onnotice: () => {}, connection: { application_name: 'bench-seed' } });
    let seed: SeedSummary;
    let serverVersion = '';
    try {
      seed = await seedSyntheticData(sql, { patients: options.patients, seed: 1, log: options.log });
      options.log(`db: ${await addNurseInbox(sql)} open nurse tasks added for the task inbox`);
      options.log('db: vacuum analyze');
      await sql.unsafe('vacuum (analyze)');
      const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;
      serverVersion = row?.version ?? '';
    } finally {
      await sql.end({ timeout: 5 });
    }
    return {
      url,
      embedded,
      seed,
      serverVersion,
      stop: async () => {
        await embedded?.stop().catch(() => {});
      },
    };
  } catch (error) {
    await embedded?.stop().catch(() => {});
    throw error;
  }
}
