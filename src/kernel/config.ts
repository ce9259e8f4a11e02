import { availableParallelism } from 'node:os';
/**
 * Environment → typed, validated configuration. Every bad value is reported
 * in one line naming the variable, so `npm start` never dies with a stack trace.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface DatabaseConfig {
  /** Absent: run the embedded PostgreSQL kept in `dataDir`. */
  url: string | undefined;
  /**
   * The connection migrations (and first-start demo seeding) use: it needs to
   * create and alter objects. The API itself serves over `url`, whose role needs
   * only membership in health_app and health_auth. Defaults to `url`.
   */
  migrationUrl: string | undefined;
  /**
   * The connection `LISTEN` uses for subscriptions (LISTEN_DATABASE_URL, default `url`). Behind a
   * transaction-mode pooler (PgBouncer) it must reach PostgreSQL directly: the pooler hands the
   * session to other clients between transactions and notifications never arrive.
   */
  listenUrl: string | undefined;
  /** A streaming replica for reads that may be slightly stale (DATABASE_REPLICA_URL); see src/kernel/db/replica.ts. */
  replicaUrl: string | undefined;
  replicaMaxLagMs: number;
  replicaReadYourWritesMs: number;
  replicaCheckIntervalMs: number;
  /** Named prepared statements (DATABASE_PREPARE); off for poolers that cannot keep them (PgBouncer < 1.21 in transaction mode). */
  prepare: boolean;
  maxConnections: number;
  minConnections: number;
  connectTimeoutMs: number;
  acquireTimeoutMs: number;
  idleTimeoutMs: number;
  queryTimeoutMs: number;
  queryTimeoutLongMs: number;
  /** A write whose connection died at COMMIT looks up its outcome for at most this long. */
  commitConfirmTimeoutMs: number;
  embeddedDataDir: string;
  embeddedPort: number;
}

/** Limits that refuse abusive documents before any resolver (or SQL) runs. */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxBodyBytes: number;
}

/**
 * Abuse limits, held in PostgreSQL (table rate_limits) so every API process
 * shares them. Sign-in failures are counted per address+account, per account
 * and per address; past the free failures each further one doubles the wait.
 */
export interface AbuseLimits {
  /** GraphQL requests (HTTP and WebSocket subscribe) per user, or per address when anonymous, per window. */
  requestsPerWindow: number;
  requestWindowSeconds: number;
  /** Wrong passwords one address may try against one account before its waits start. */
  loginAddressAccountFreeFailures: number;
  /** Wrong passwords against one account, from all addresses, before its waits start. */
  loginAccountFreeFailures: number;
  /** Wrong passwords from one address (any account) per hour; then the address waits out the hour. */
  loginAddressFailuresPerHour: number;
  /** First wait after the free failures; doubles with each further failure, up to the maximum. */
  loginDelayBaseSeconds: number;
  loginDelayMaxSeconds: number;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** The Prometheus `/metrics` listener, apart from the API's (0 = an ephemeral port). */
  metricsPort: number;
  metricsHost: string;
  /** Issuer (`iss`) and audience (`aud`) every access token must carry. */
  jwtIssuer: string;
  jwtAudience: string;
  abuse: AbuseLimits;
  /** Distinct operation names the metrics keep as label values; others count as `other`. */
  metricsMaxOperations: number;
  logLevel: LogLevel;
  jwtSecret: string;
  /** True when JWT_SECRET was not set and a development secret is in use. */
  jwtSecretIsDevDefault: boolean;
  /** Key material of opaque cursors (HKDF-derived per purpose): CURSOR_SECRET, else JWT_SECRET. */
  cursorSecret: string;
  /** Demo data into an empty database at start; never in production. */
  seedOnFirstStart: boolean;
  /**
   * Apply migrations (as MIGRATION_DATABASE_URL) before serving. Off where a one-shot
   * migrate job does it (docker-compose.yml): the API then never needs the owner's credentials.
   */
  migrateOnStart: boolean;
  /** OpenTelemetry tracing; off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (src/operability/tracing.ts). */
  tracing: TracingConfig;
  database: DatabaseConfig;
  limits: QueryLimits;
  /** Browser origins allowed by CORS; empty = same-origin only. `*` allows any. */
  corsOrigins: string[];
  /** Path of a trusted-documents manifest; when set, only its operations run. */
  trustedDocuments: string | undefined;
  /** Upper bound of the automatic-persisted-query cache, in bytes. */
  apqCacheBytes: number;
  /** `jit` (default): operations compiled by graphql-jit; `graphql-js`: Apollo's own executor, the fallback. */
  executor: 'jit' | 'graphql-js';
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  shutdownGraceMs: number;
  /** API_PROCESSES: worker processes serving one port (src/cluster.ts); `auto` = one per CPU. */
  apiProcesses: number;
  /** How long a mutation's stored result answers repeats of its `Idempotency-Key`. */
  idempotencyKeyTtlHours: number;
  /** How long a verified account status (active membership, roles) is trusted before it is read again. */
  viewerCacheTtlMs: number;
  /** What a browser opening `/graphql` gets: `graphiql` (served offline by this server) or `sandbox` (Apollo's CDN). */
  explorer: 'graphiql' | 'sandbox';
  /** Background jobs (graphile-worker): `in-process` runs them in the API process, `off` leaves them to `npm run worker`. */
  jobs: 'in-process' | 'off';
  /** How often the job runner looks for due jobs, and the period of recurring jobs (the escalation sweep). */
  jobsPollIntervalMs: number;
  /** Months after the current one whose audit and PHI access log partitions the job keeps made ahead. */
  logPartitionMonthsAhead: number;
  /** Connections count exactly up to this many rows; `totalCountEstimate` estimates beyond it. */
  totalCountExactLimit: number;
}

export interface TracingConfig {
  /**
   * Where spans are sent (OTLP/HTTP protobuf): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else
   * OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces` (the OpenTelemetry convention); neither → tracing off.
   */
  tracesUrl: string | undefined;
  serviceName: string;
}

type Env = Record<string, string | undefined>;

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got ${parsed.protocol}//`);
  }
  return raw;
}

const tracesUrlOf = (base: string | undefined) => (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);

/** Demo data has a published password: production refuses it outright rather than ignoring the setting. */
function seedOnFirstStartOf(env: Env, nodeEnv: Config['env'], hasUrl: boolean): boolean {
  const seed = flag(env, 'SEED_ON_FIRST_START', !hasUrl && nodeEnv !== 'production');
  if (seed && nodeEnv === 'production') {
    throw new ConfigError('SEED_ON_FIRST_START=true is refused when NODE_ENV=production: demo accounts share a public password');
  }
  return seed;
}

/** A development-only secret: production refuses to start without JWT_SECRET. */
const DEV_JWT_SECRET = 'development-only-secret-do-not-use-in-production-0123456789';

function executorOf(raw: string | undefined): 'jit' | 'graphql-js' {
  if (raw === undefined || raw === '' || raw === 'jit') return 'jit';
  if (raw === 'graphql-js') return 'graphql-js';
  throw new ConfigError(`GRAPHQL_EXECUTOR must be jit or graphql-js, got "${raw}"`);
}

function explorerOf(raw: string | undefined): 'graphiql' | 'sandbox' {
  if (raw === undefined || raw === '' || raw === 'graphiql') return 'graphiql';
  if (raw === 'sandbox') return 'sandbox';
  throw new ConfigError(`EXPLORER must be graphiql or sandbox, got "${raw}"`);
}

function jobsOf(raw: string | undefined, nodeEnv: string): 'in-process' | 'off' {
  // The test suite runs hundreds of short-lived servers: only tests about jobs turn them on.
  if (raw === undefined || raw === '') return nodeEnv === 'test' ? 'off' : 'in-process';
  if (raw === 'in-process' || raw === 'off') return raw;
  throw new ConfigError(`JOBS must be in-process or off, got "${raw}"`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function databaseUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a postgres:// URL, got a value that is not a URL`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must start with postgres:// or postgresql://, got ${parsed.protocol}//`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const logLevel = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info')) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const jwtSecret = env.JWT_SECRET;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters long');
  }
  if (jwtSecret === undefined && nodeEnv === 'production') {
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  }

  const cursorSecret = env.CURSOR_SECRET;
  if (cursorSecret !== undefined && cursorSecret.length < 32) {
    throw new ConfigError('CURSOR_SECRET must be at least 32 characters long');
  }

  const maxConnections = integer(env, 'DATABASE_MAX_CONNECTIONS', 5, 1, 1000);
  const minConnections = integer(env, 'DATABASE_MIN_CONNECTIONS', 1, 0, 1000);
  if (minConnections > maxConnections) {
    throw new ConfigError(
      `DATABASE_MIN_CONNECTIONS (${minConnections}) must not exceed DATABASE_MAX_CONNECTIONS (${maxConnections})`,
    );
  }
  const url = databaseUrl(env, 'DATABASE_URL');
  const migrationUrl = databaseUrl(env, 'MIGRATION_DATABASE_URL');
  if (migrationUrl && !url) {
    throw new ConfigError('MIGRATION_DATABASE_URL needs DATABASE_URL too (without it the embedded PostgreSQL is used for both)');
  }
  const replicaUrl = databaseUrl(env, 'DATABASE_REPLICA_URL');
  if (replicaUrl && !url) throw new ConfigError('DATABASE_REPLICA_URL needs DATABASE_URL too (the embedded PostgreSQL has no replica)');
  const listenUrl = databaseUrl(env, 'LISTEN_DATABASE_URL');
  if (listenUrl && !url) {
    throw new ConfigError('LISTEN_DATABASE_URL needs DATABASE_URL too (without it the embedded PostgreSQL is used for both)');
  }

  return {
    env: nodeEnv,
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    metricsPort: integer(env, 'METRICS_PORT', 9464, 0, 65535),
    metricsHost: env.METRICS_HOST || '127.0.0.1',
    metricsMaxOperations: integer(env, 'METRICS_MAX_OPERATIONS', 200, 1, 10_000),
    jwtIssuer: env.JWT_ISSUER || 'health-graphql',
    jwtAudience: env.JWT_AUDIENCE || 'health-graphql',
    abuse: {
      // The test suite signs in and queries hundreds of times a minute from 127.0.0.1.
      requestsPerWindow: integer(env, 'RATE_LIMIT_REQUESTS', nodeEnv === 'test' ? 100_000 : 600, 1, 10_000_000),
      requestWindowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
      loginAddressAccountFreeFailures: integer(env, 'LOGIN_ADDRESS_ACCOUNT_FREE_FAILURES', 5, 1, 1000),
      loginAccountFreeFailures: integer(env, 'LOGIN_ACCOUNT_FREE_FAILURES', 20, 1, 100_000),
      loginAddressFailuresPerHour: integer(env, 'LOGIN_ADDRESS_FAILURES_PER_HOUR', nodeEnv === 'test' ? 10_000 : 100, 1, 10_000_000),
      loginDelayBaseSeconds: integer(env, 'LOGIN_DELAY_BASE_SECONDS', 1, 1, 3600),
      loginDelayMaxSeconds: integer(env, 'LOGIN_DELAY_MAX_SECONDS', 900, 1, 86_400),
    },
    logLevel,
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    jwtSecretIsDevDefault: jwtSecret === undefined,
    cursorSecret: cursorSecret ?? jwtSecret ?? DEV_JWT_SECRET,
    seedOnFirstStart: seedOnFirstStartOf(env, nodeEnv, url !== undefined),
    migrateOnStart: flag(env, 'MIGRATE_ON_START', true),
    tracing: {
      tracesUrl: httpUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? tracesUrlOf(httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')),
      serviceName: env.OTEL_SERVICE_NAME?.trim() || 'health-graphql',
    },
    limits: {
      maxDepth: integer(env, 'LIMIT_MAX_DEPTH', 12, 1, 100),
      maxCost: integer(env, 'LIMIT_MAX_COST', 250_000, 10, 100_000_000),
      maxAliases: integer(env, 'LIMIT_MAX_ALIASES', 15, 0, 1000),
      maxTokens: integer(env, 'LIMIT_MAX_TOKENS', 5000, 100, 1_000_000),
      maxDirectives: integer(env, 'LIMIT_MAX_DIRECTIVES', 50, 0, 1000),
      maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    },
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustedDocuments: env.TRUSTED_DOCUMENTS || undefined,
    apqCacheBytes: integer(env, 'APQ_CACHE_MB', 30, 1, 4096) * 1024 * 1024,
    executor: executorOf(env.GRAPHQL_EXECUTOR),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    apiProcesses: env.API_PROCESSES?.trim() === 'auto' ? availableParallelism() : integer(env, 'API_PROCESSES', 1, 1, 256),
    idempotencyKeyTtlHours: integer(env, 'IDEMPOTENCY_KEY_TTL_HOURS', 24, 1, 24 * 365),
    viewerCacheTtlMs: integer(env, 'VIEWER_CACHE_TTL_MS', 5_000, 0, 600_000),
    explorer: explorerOf(env.EXPLORER),
    jobs: jobsOf(env.JOBS, nodeEnv),
    jobsPollIntervalMs: integer(env, 'JOBS_POLL_INTERVAL_MS', 30_000, 50, 3_600_000),
    logPartitionMonthsAhead: integer(env, 'LOG_PARTITION_MONTHS_AHEAD', 3, 1, 24),
    totalCountExactLimit: integer(env, 'TOTAL_COUNT_EXACT_LIMIT', 10_000, 0, 100_000_000),
    database: {
      url,
      migrationUrl: migrationUrl ?? url,
      listenUrl: listenUrl ?? url,
      prepare: boolean(env, 'DATABASE_PREPARE', true),
      replicaUrl,
      replicaMaxLagMs: integer(env, 'REPLICA_MAX_LAG_MS', 5000, 0, 3_600_000),
      replicaReadYourWritesMs: integer(env, 'REPLICA_READ_YOUR_WRITES_MS', 10_000, 0, 3_600_000),
      replicaCheckIntervalMs: integer(env, 'REPLICA_CHECK_INTERVAL_MS', 1000, 50, 600_000),
      maxConnections,
      minConnections,
      connectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 120_000),
      acquireTimeoutMs: integer(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 5000, 10, 120_000),
      idleTimeoutMs: integer(env, 'DATABASE_IDLE_TIMEOUT_MS', 600_000, 1000, 86_400_000),
      queryTimeoutMs: integer(env, 'QUERY_TIMEOUT_MS', 5000, 10, 600_000),
      queryTimeoutLongMs: integer(env, 'QUERY_TIMEOUT_LONG_MS', 30_000, 10, 3_600_000),
      commitConfirmTimeoutMs: integer(env, 'COMMIT_CONFIRM_TIMEOUT_MS', 10_000, 0, 600_000),
      embeddedDataDir: env.EMBEDDED_PG_DATA_DIR ?? '.data/postgres',
      embeddedPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    },
  };
}
