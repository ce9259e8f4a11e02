/**
 * npm run worker: the background jobs (escalation of overdue workflow tasks) in a process of their
 * own, for deployments that run the API with JOBS=off. Needs DATABASE_URL (the runtime role);
 * graphile-worker's schema is installed first with MIGRATION_DATABASE_URL (default DATABASE_URL),
 * as `npm start` does. SIGINT/SIGTERM finish the running job, then exit.
 */
import { createDeps } from '../src/app.js';
import { startJobs } from '../src/jobs.js';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { migrateJobQueue } from '../src/kernel/jobs.js';
import { createLogger } from '../src/logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const { url, migrationUrl } = config.database;
  if (!url) throw new ConfigError('DATABASE_URL is required for the worker (the API database it works on)');
  await migrateJobQueue(migrationUrl ?? url);
  const deps = createDeps(config, url, logger);
  const jobs = await startJobs(deps, config.database.listenUrl ?? url);
  logger.info({ pollIntervalMs: config.jobsPollIntervalMs }, 'job worker started');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'job worker stopping');
    await jobs.stop();
    await deps.requestLimiter.close();
    await deps.limiterStore.close();
    await deps.db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`health-graphql worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
