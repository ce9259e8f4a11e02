import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { createDeps, startApi, type RunningApi } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';
import { withDatabase } from '../../src/kernel/db/embedded.js';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions: { code: string; [k: string]: unknown } }[];
}

export interface TestApp {
  api: RunningApi;
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
  /** Turns tracing on with this exporter (e.g. the SDK's InMemorySpanExporter). */
  spanExporter?: SpanExporter;
}

/**
 * Settings for a test that counts a request's SQL statements: the account re-check (5 statements,
 * once the 5 s viewer cache expired — on a busy machine, between any two requests) is kept out.
 */
export const COUNTING_STATEMENTS = { VIEWER_CACHE_TTL_MS: '600000' } as const;

export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const adminUrl = options.adminUrl ?? inject('adminUrl');
  const template = options.template ?? inject('templateDatabase');
  const name = `${template}_f_${randomBytes(5).toString('hex')}`;
  const root = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database ${name} template ${template}`);
  await root.end();
  const databaseUrl = withDatabase(adminUrl, name);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: databaseUrl, METRICS_PORT: '0', ...env });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const deps = createDeps(config, databaseUrl, logger, { spanExporter: options.spanExporter });
  const api = await startApi(deps, 0, '127.0.0.1');
  const admin = postgres(databaseUrl, { max: 2, onnotice: () => {} });

  return {
    api,
    admin,
    databaseUrl,
    gql: graphqlClient(api.url),
    async close() {
      await admin.end();
      await api.stop();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
