import { startApi, createDeps, type RunningApi } from './app.js';
import { isApiWorker, reportMetricsToPrimary, superviseWorkers, type RunningCluster } from './cluster.js';
import { ConfigError, loadConfig } from './kernel/config.js';
import { applyEnvFile } from './kernel/env-file.js';
import { migrateDatabase } from './kernel/db/migrate.js';
import { migrateJobQueue } from './kernel/jobs.js';
import { describeConnectionError } from './kernel/db/pool.js';
import { provisionDatabase, type ProvisionedDatabase } from './kernel/db/provision.js';
import postgres from 'postgres';
import { createLogger } from './logger.js';
import { seedIfEmpty } from './seed/demo.js';

/** Process entry: config → database (embedded or URL) → migrations → seed (migration role) → server (runtime role) → listen. */
async function main(): Promise<void> {
  const startedAt = performance.now();
  applyEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(config);
  if (config.jwtSecretIsDevDefault) logger.warn('JWT_SECRET is not set: using the development secret (never do this in production)');

  let database: ProvisionedDatabase | null = null;
  let api: RunningApi | null = null;
  let workers: RunningCluster | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await api?.stop().catch((e: unknown) => logger.error({ err: e }, 'error while stopping the API'));
    await workers?.stop().catch((e: unknown) => logger.error({ err: e }, 'error while stopping the API workers'));
    await database?.embedded?.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (isApiWorker()) {
    // A worker of API_PROCESSES: the primary prepared the database and serves /metrics.
    const deps = createDeps(config, config.database.url!, logger);
    reportMetricsToPrimary(deps.metrics.registry);
    api = await startApi(deps, config.port, config.host, { metricsListener: false });
    return;
  }

  database = await provisionDatabase(config.database);
  provisioned = database;
  // Schema changes and demo seeding run as the migration role (MIGRATION_DATABASE_URL, else
  // DATABASE_URL); the API serves as the runtime role, which needs only health_app + health_auth.
  // With MIGRATE_ON_START=false a separate job migrates (docker-compose.yml's `migrate`): the API
  // never connects as the owner, and /readyz answers 503 until the migrations are there.
  const ownerConnects = config.migrateOnStart || config.seedOnFirstStart;
  if (ownerConnects && database.migrationUrl !== database.url) {
    await assertReachable(database.migrationUrl, config.database.connectTimeoutMs);
  }
  await assertReachable(database.url, config.database.connectTimeoutMs);
  if (config.migrateOnStart) {
    await migrateDatabase(database.migrationUrl);
    // graphile-worker's own schema, installed by the migration role (the runtime role only uses it).
    await migrateJobQueue(database.migrationUrl);
  }
  const demo = config.seedOnFirstStart ? await seedDemoData(database.migrationUrl) : null;
  let url: string;
  let metricsUrl: string;
  if (config.apiProcesses > 1) {
    workers = await superviseWorkers(config.apiProcesses, { DATABASE_URL: database.url }, {
      host: config.host,
      metricsHost: config.metricsHost,
      metricsPort: config.metricsPort,
    }, logger);
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    ({ metricsUrl } = workers);
    url = `http://${host}:${workers.port}/graphql`;
  } else {
    api = await startApi(createDeps(config, database.url, logger));
    ({ url, metricsUrl } = api);
  }

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  logger.info(
    { url, metricsUrl, processes: config.apiProcesses, database: database.embedded ? `embedded (port ${database.embedded.port})` : 'DATABASE_URL' },
    `GraphQL API ready in ${seconds}s`,
  );
  const explorer =
    config.explorer === 'graphiql' ? 'GraphiQL, served offline' : config.env === 'production' ? "Apollo's landing page" : "Apollo Sandbox, from Apollo's CDN";
  process.stdout.write(`\nHealth GraphQL API: ${url}  (open in a browser for ${explorer})\nMetrics: ${metricsUrl}\n`);
  // Demo logins only where demo data was just seeded or found (never in production: config refuses to seed there).
  if (demo) process.stdout.write(demo.loginsText + '\n');
}

/** Fails with one clear line (host, port, database, cause) when PostgreSQL cannot be used. */
async function assertReachable(url: string, connectTimeoutMs: number) {
  const probe = postgres(url, { max: 1, connect_timeout: Math.ceil(connectTimeoutMs / 1000), onnotice: () => {} });
  try {
    await probe`select 1 as ok`;
  } catch (error) {
    throw new Error(describeConnectionError(error, url));
  } finally {
    await probe.end({ timeout: 1 });
  }
}

/**
 * The seeder bulk-loads with COPY over plain (untransformed) connections of its
 * own, as the migration role: it writes every organization's rows at once,
 * which the runtime role (bound by row-level security) may not.
 */
async function seedDemoData(url: string) {
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    return await seedIfEmpty(sql);
  } finally {
    await sql.end();
  }
}

let provisioned: ProvisionedDatabase | null = null;

main().catch(async (error: unknown) => {
  await provisioned?.embedded?.stop().catch(() => {});
  const message =
    error instanceof ConfigError
      ? `invalid configuration: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`health-graphql: ${message}\n`);
  process.exit(1);
});
