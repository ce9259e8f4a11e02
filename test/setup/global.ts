import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { withDatabase } from '../../src/kernel/db/embedded.js';
import { migrateDatabase } from '../../src/kernel/db/migrate.js';
import { startTestPostgres } from './database-provider.js';
import { startPgBouncer, type RunningPgBouncer } from './pgbouncer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
    /** `npm run test:scale` (TEST_TOPOLOGY=pgbouncer): the admin URL through PgBouncer; '' otherwise. */
    bouncerAdminUrl: string;
  }
}

/**
 * Provides one migrated template database for the run; every test file
 * clones it (CREATE DATABASE … TEMPLATE) so files never share data.
 */
export default async function setup(project: TestProject) {
  const pg = await startTestPostgres();
  const template = `health_tpl_${process.pid}`;
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  let bouncer: RunningPgBouncer | undefined;
  try {
    await admin.unsafe(`drop database if exists ${template}`);
    await admin.unsafe(`create database ${template}`);
    await migrateDatabase(withDatabase(pg.adminUrl, template));
    if (process.env.TEST_TOPOLOGY === 'pgbouncer') bouncer = await startPgBouncer(pg.adminUrl);
    else if (process.env.TEST_TOPOLOGY) throw new Error(`TEST_TOPOLOGY must be pgbouncer or unset, got "${process.env.TEST_TOPOLOGY}"`);
  } catch (error) {
    // A failed setup (no pgbouncer installed, a migration error) must not leave an embedded cluster running.
    await admin.end();
    await pg.stop();
    throw error;
  }
  process.stdout.write(`test database: ${pg.kind}${bouncer ? `, API instances through ${bouncer.version} (transaction mode)` : ''}\n`);
  project.provide('adminUrl', pg.adminUrl);
  project.provide('templateDatabase', template);
  project.provide('bouncerAdminUrl', bouncer?.url ?? '');

  return async () => {
    const leftovers = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${template}_f_%`} or datname = ${template}
    `;
    for (const { datname } of leftovers) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
    await bouncer?.stop();
    await pg.stop();
  };
}
