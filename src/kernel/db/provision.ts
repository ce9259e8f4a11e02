import postgres from 'postgres';
import type { DatabaseConfig } from '../config.js';
import { startEmbeddedPostgres, withDatabase, type EmbeddedServer } from './embedded.js';

export const EMBEDDED_DATABASE = 'health';

export interface ProvisionedDatabase {
  /** What the API serves over (DATABASE_URL): a role with only health_app + health_auth membership suffices. */
  url: string;
  /** What migrations and demo seeding use (MIGRATION_DATABASE_URL, else `url`): it creates and alters objects. */
  migrationUrl: string;
  /** Set when we started an embedded PostgreSQL; stop it on shutdown. */
  embedded: EmbeddedServer | null;
}

/**
 * DATABASE_URL (and MIGRATION_DATABASE_URL) when given; otherwise the embedded
 * PostgreSQL, with its `health` database created once, used through its
 * superuser for both.
 */
export async function provisionDatabase(config: DatabaseConfig): Promise<ProvisionedDatabase> {
  if (config.url) return { url: config.url, migrationUrl: config.migrationUrl ?? config.url, embedded: null };
  const embedded = await startEmbeddedPostgres({ dataDir: config.embeddedDataDir, port: config.embeddedPort });
  try {
    await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const url = withDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
  return { url, migrationUrl: url, embedded };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 as found from pg_database where datname = ${name}`;
    // DDL cannot take bind parameters; the name is quoted as an identifier and comes from our config, not users.
    if (rows.length === 0) await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}
