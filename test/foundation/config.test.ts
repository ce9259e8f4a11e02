import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/kernel/config.js';

/** Runs `npm start`'s entry point with the given environment and returns its exit and output. */
function start(env: Record<string, string>) {
  const result = spawnSync('node', ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe('configuration', () => {
  it('defaults match the seed page', () => {
    const c = loadConfig({});
    expect(c.database.maxConnections).toBe(5);
    expect(c.database.minConnections).toBe(1);
    expect(c.database.connectTimeoutMs).toBe(5000);
    expect(c.database.acquireTimeoutMs).toBe(5000);
    expect(c.database.idleTimeoutMs).toBe(600_000);
    expect(c.database.queryTimeoutMs).toBe(5000);
    expect(c.database.queryTimeoutLongMs).toBe(30_000);
    expect(c.port).toBe(4000);
  });

  it('migrations use MIGRATION_DATABASE_URL, defaulting to DATABASE_URL', () => {
    const runtime = 'postgres://api@db.internal/health';
    const owner = 'postgres://owner@db.internal/health';
    expect(loadConfig({ DATABASE_URL: runtime }).database.migrationUrl).toBe(runtime);
    expect(loadConfig({ DATABASE_URL: runtime, MIGRATION_DATABASE_URL: owner }).database).toMatchObject({
      url: runtime,
      migrationUrl: owner,
    });
    expect(loadConfig({}).database.migrationUrl).toBeUndefined();
  });

  it.each([
    [{ DATABASE_MAX_CONNECTIONS: 'abc' }, /DATABASE_MAX_CONNECTIONS must be a whole number/],
    [{ DATABASE_MIN_CONNECTIONS: '9', DATABASE_MAX_CONNECTIONS: '2' }, /must not exceed/],
    [{ QUERY_TIMEOUT_MS: '-5' }, /QUERY_TIMEOUT_MS/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'postgres://a@h/db', MIGRATION_DATABASE_URL: 'not a url' }, /MIGRATION_DATABASE_URL must be a postgres:\/\/ URL/],
    [{ DATABASE_URL: 'postgres://a@h/db', MIGRATION_DATABASE_URL: 'mysql://x' }, /MIGRATION_DATABASE_URL must start with postgres/],
    [{ MIGRATION_DATABASE_URL: 'postgres://owner@h/db' }, /MIGRATION_DATABASE_URL needs DATABASE_URL/],
    [{ JWT_SECRET: 'short' }, /at least 32/],
    [{ CURSOR_SECRET: 'short' }, /CURSOR_SECRET must be at least 32/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET is required/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ GRAPHQL_EXECUTOR: 'fast' }, /GRAPHQL_EXECUTOR must be jit or graphql-js/],
    [{ EXPLORER: 'playground' }, /EXPLORER must be graphiql or sandbox/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('demo seeding: on by default only for the embedded database outside production, refused in production', () => {
    expect(loadConfig({}).seedOnFirstStart).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/health' }).seedOnFirstStart).toBe(false);
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).seedOnFirstStart).toBe(false);
    expect(loadConfig({ ...production, SEED_ON_FIRST_START: 'false' }).seedOnFirstStart).toBe(false);
    expect(() => loadConfig({ ...production, SEED_ON_FIRST_START: 'true' })).toThrow(/refused when NODE_ENV=production/);
    expect(() => loadConfig({ SEED_ON_FIRST_START: 'yes' })).toThrow(/SEED_ON_FIRST_START must be true or false/);
  });

  it('MIGRATE_ON_START defaults to true; tracing is off unless an OTLP endpoint is set', () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
    expect(loadConfig({}).tracing).toEqual({ tracesUrl: undefined, serviceName: 'health-graphql' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/ingest' }).tracing.tracesUrl,
    ).toBe('https://traces.example/ingest');
    expect(loadConfig({ OTEL_SERVICE_NAME: 'clinic-api' }).tracing.serviceName).toBe('clinic-api');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http/);
  });

  it('npm start exits with one clear line on a bad value', () => {
    const r = start({ DATABASE_MAX_CONNECTIONS: 'abc' });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^health-graphql: invalid configuration: DATABASE_MAX_CONNECTIONS/);
  });

  it('npm start exits with one clear line when the database is unreachable', () => {
    const r = start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', DATABASE_CONNECT_TIMEOUT_MS: '2000' });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^health-graphql: cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
