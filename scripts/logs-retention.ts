/**
 * npm run logs:retention -- [--older-than 7y] [--dry-run]: detaches the monthly partitions of
 * audit_log and phi_access_log whose whole month ended more than the retention period ago (default
 * 7 years; `y` years, `m` months, `d` days; never less than a year) into schema log_archive. Live
 * partitions and the DEFAULT partition are never touched. What the operator does next (export,
 * then drop) is in README, Operations.
 *
 * Targets MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded PostgreSQL, as
 * `npm run admin` does: detaching needs the tables' owner.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/kernel/config.js';
import { createDatabase, type Database } from '../src/kernel/db/pool.js';
import { provisionDatabase, type ProvisionedDatabase } from '../src/kernel/db/provision.js';
import { applyEnvFile } from '../src/kernel/env-file.js';
import { detachLogPartitions, parseRetentionPeriod } from '../src/kernel/log-partitions.js';
import { exitWith } from './exit-with.js';

const USAGE = `usage: npm run logs:retention -- [--older-than 7y] [--dry-run]
  --older-than P   retention period: 7y (default), 84m or 2555d; at least a year
  --dry-run        list the partitions that would be detached, change nothing`;

async function main(): Promise<number> {
  let values;
  try {
    values = parseArgs({ options: { 'older-than': { type: 'string', default: '7y' }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`logs:retention: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const period = parseRetentionPeriod(values['older-than']);
  if (!period || period.days < 365) {
    process.stderr.write(`logs:retention: --older-than must be at least a year, as 7y, 84m or 2555d; got "${values['older-than']}"\n`);
    return 1;
  }
  let provisioned: ProvisionedDatabase | null = null;
  let db: Database | null = null;
  try {
    applyEnvFile('.env');
    const config = loadConfig();
    provisioned = await provisionDatabase(config.database);
    db = createDatabase(provisioned.migrationUrl, { ...config.database, maxConnections: 1, minConnections: 0 }, 'health-logs-retention');
    const retired = await detachLogPartitions(db.sql, period, { dryRun: values['dry-run'] });
    const verb = values['dry-run'] ? 'would detach' : 'detached';
    for (const p of retired) {
      process.stdout.write(`${verb} ${p.partition} (${p.log}, ${p.rangeFrom.toISOString()} to ${p.rangeTo.toISOString()})${p.detached ? ` → log_archive.${p.partition}` : ''}\n`);
    }
    process.stdout.write(`logs:retention: ${retired.length} partition(s) older than ${period.interval} ${values['dry-run'] ? 'to detach' : 'detached'}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`logs:retention: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await db?.close().catch(() => {});
    await provisioned?.embedded?.stop().catch(() => {});
  }
}

exitWith('logs:retention', main);
