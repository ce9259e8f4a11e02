import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { createDeps, startApi, type RunningApi } from '../../src/app.js';
import type { Clock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/kernel/config.js';
import { withDatabase } from '../../src/kernel/db/embedded.js';
import { startApiProcess, type ApiProcess } from './api-process.js';
import { waitFor } from './wait.js';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions: { code: string; [k: string]: unknown } }[];
}

export interface TestApp {
  api: RunningApi;
  /**
   * Under `npm run test:scale`, a second API as its own OS process on the same database, both
   * through PgBouncer: `gql` alternates between the two, so every test of the file also proves
   * that what it checks lives in PostgreSQL, not in one process's memory. Undefined otherwise.
   */
  peer?: ApiProcess;
  /** Superuser connection to this file's database, for arranging and inspecting rows. */
  admin: postgres.Sql;
  databaseUrl: string;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** POSTs GraphQL to `url` as a JSON body, with an optional bearer token and extra headers. */
export function graphqlClient(url: string): TestApp['gql'] {
  return async (query, variables = {}, token, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<any>;
  };
}

export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-0123456789';

/**
 * The connection settings of an API instance on `databaseUrl` in this run's topology: direct, or
 * (TEST_TOPOLOGY=pgbouncer) through PgBouncer in transaction mode, with LISTEN and migrations on
 * direct connections and no named prepared statements (PgBouncer 1.18 cannot keep them).
 */
export function apiDatabaseEnv(databaseUrl: string): Record<string, string> {
  const bouncer = inject('bouncerAdminUrl');
  if (!bouncer) return { DATABASE_URL: databaseUrl };
  const through = new URL(bouncer);
  through.pathname = new URL(databaseUrl).pathname;
  return {
    DATABASE_URL: through.toString(),
    LISTEN_DATABASE_URL: databaseUrl,
    MIGRATION_DATABASE_URL: databaseUrl,
    DATABASE_PREPARE: 'false',
  };
}

/** The replica's URL of database `name`, once the replica has replayed its creation. */
async function replicaHolding(replicaAdminUrl: string, name: string): Promise<string> {
  const replica = postgres(replicaAdminUrl, { max: 1, onnotice: () => {} });
  try {
    await waitFor(async () => (await replica`select 1 from pg_database where datname = ${name}`).length > 0, `database ${name} on the replica`);
  } finally {
    await replica.end();
  }
  return withDatabase(replicaAdminUrl, name);
}

/** POSTs to each URL in turn. */
function alternatingClient(urls: string[]): TestApp['gql'] {
  const clients = urls.map(graphqlClient);
  let next = 0;
  return (...args) => clients[next++ % clients.length]!(...args);
}

/**
 * A real server (HTTP on an ephemeral port) over a fresh database cloned from
 * the migrated template, so every test file has data of its own.
 */
export interface TestAppOptions {
  /** Capture logs (defaults to a silent logger, or TEST_LOG_LEVEL). */
  logger?: Logger;
  /** A superuser URL of another cluster to run on, instead of the suite's shared one. */
  adminUrl?: string;
  /** Database to clone; the suite's migrated template by default. */
  template?: string;
  /** A superuser URL of a streaming replica of `adminUrl`'s cluster: the API gets DATABASE_REPLICA_URL on it. */
  replicaAdminUrl?: string;
  /** The time background jobs go by (a TestClock from ./clock.js); the real clock by default. */
  clock?: Clock;
  /** Turns tracing on with this exporter (e.g. the SDK's InMemorySpanExporter). */
  spanExporter?: SpanExporter;
}

/**
 * Settings for a test that counts a request's SQL statements: the account re-check (5 statements,
 * once the 5 s viewer cache expired — on a busy machine, between any two requests) is kept out.
 */
export const COUNTING_STATEMENTS = { VIEWER_CACHE_TTL_MS: '600000' } as const;

/**
 * Another API in this process on `databaseUrl` (usually a test app's database), with `env` over the test
 * defaults: to compare settings (an executor, a limit, a pooler's) on the same data. Stop it with `stop()`.
 */
export async function startSecondApi(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningApi> {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, METRICS_PORT: '0', DATABASE_URL: databaseUrl, ...env });
  return startApi(createDeps(config, config.database.url!, pino({ level: 'silent' })), 0, '127.0.0.1');
}

export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const adminUrl = options.adminUrl ?? inject('adminUrl');
  const template = options.template ?? inject('templateDatabase');
  const name = `${template}_f_${randomBytes(5).toString('hex')}`;
  const root = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database ${name} template ${template}`);
  await root.end();
  const databaseUrl = withDatabase(adminUrl, name);
  // Another cluster (a test's own) is reached directly, not through this run's PgBouncer.
  const topology = options.adminUrl ? { DATABASE_URL: databaseUrl } : apiDatabaseEnv(databaseUrl);
  if (options.replicaAdminUrl) topology.DATABASE_REPLICA_URL = await replicaHolding(options.replicaAdminUrl, name);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, METRICS_PORT: '0', ...topology, ...env });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const deps = createDeps(config, config.database.url!, logger, { clock: options.clock, spanExporter: options.spanExporter });
  const api = await startApi(deps, 0, '127.0.0.1');
  const admin = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const peer = inject('bouncerAdminUrl') && !options.adminUrl ? await startApiProcess(topology.DATABASE_URL!, { ...topology, ...env }) : undefined;

  return {
    api,
    peer,
    admin,
    databaseUrl,
    gql: alternatingClient([api.url, ...(peer ? [peer.url] : [])]),
    async close() {
      await admin.end();
      await peer?.stop();
      await api.stop();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
