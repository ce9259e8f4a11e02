import postgres from 'postgres';
import type { DatabaseConfig } from '../config.js';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

/** What a transaction is for, as metrics label it. */
export type TransactionKind = 'read' | 'write' | 'auth';

/** Counts every statement postgres.js sends; read by tests, metrics and benchmarks. */
export interface StatementCounter {
  count: number;
  /** When a test sets this to an array, each statement's text is appended (for diagnosing counts). */
  capture?: string[];
  /** Likewise each statement's parameters, in the same order. */
  captureParameters?: unknown[][];
  /** Likewise the id of the connection each statement was sent on (which transaction it belongs to). */
  captureConnections?: number[];
}

/** Transactions holding a connection, and those queued for one (postgres.js keeps no such counts). */
export interface PoolUsage {
  count: number;
  waiting: number;
}

export interface Database {
  sql: Sql;
  statements: StatementCounter;
  inUse: PoolUsage;
  /** Set by the metrics module: called with each finished transaction's duration. */
  onTransaction?: (kind: TransactionKind, seconds: number) => void;
  /** Set by the metrics module: called when a write's connection died at COMMIT and its outcome was looked up. */
  onCommitOutcome?: (outcome: 'committed' | 'aborted' | 'unknown') => void;
  close(): Promise<void>;
}

const DATE_OID = 1082;

/**
 * The bounded pool. postgres.js opens connections lazily up to `max`; we warm
 * `minConnections` at start so the first requests do not pay the handshake.
 */
export function createDatabase(
  url: string,
  config: Pick<DatabaseConfig, 'maxConnections' | 'minConnections' | 'connectTimeoutMs' | 'idleTimeoutMs'> & { prepare?: boolean },
  applicationName = 'health-graphql',
): Database {
  const statements: StatementCounter = { count: 0 };
  const sql = postgres(url, {
    max: config.maxConnections,
    prepare: config.prepare ?? true,
    idle_timeout: Math.ceil(config.idleTimeoutMs / 1000),
    connect_timeout: Math.ceil(config.connectTimeoutMs / 1000),
    max_lifetime: 60 * 30,
    // Reconnect delay after failed attempts: postgres.js grows it to 20 s, which after a
    // PostgreSQL restart keeps pool slots unusable long after the server is back. 1 s at most.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    connection: { application_name: applicationName },
    onnotice: () => {},
    // Columns arrive camelCased (`display_name` → `displayName`), matching the GraphQL field names.
    transform: postgres.camel,
    debug: (connection, query, parameters) => {
      // The driver's own array-type lookup runs once per new connection, not per request:
      // counting it would make a request's statement count depend on pool growth.
      if (query.includes('pg_catalog.pg_type a') && query.includes('typarray')) return;
      statements.count += 1;
      statements.capture?.push(query);
      statements.captureParameters?.push(parameters);
      statements.captureConnections?.push(connection);
    },
    types: {
      // Calendar dates stay 'YYYY-MM-DD' strings: a Date would shift them by the server's time zone.
      date: {
        to: DATE_OID,
        from: [DATE_OID],
        serialize: (value: string) => value,
        parse: (value: string) => value,
      },
    },
  });
  return {
    sql,
    statements,
    inUse: { count: 0, waiting: 0 },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Opens `minConnections` connections up front and proves the server answers. */
export async function warmUp(database: Database, minConnections: number): Promise<void> {
  const n = Math.max(1, minConnections);
  await Promise.all(Array.from({ length: n }, () => database.sql`select 1 as ok`));
}

/** Describes a connection failure in one line, without credentials. */
export function describeConnectionError(error: unknown, url: string): string {
  let where = 'the database';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    /* keep the generic name */
  }
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return `cannot reach PostgreSQL at ${where}: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach PostgreSQL at ${where}: unknown host`;
  if (code === 'CONNECT_TIMEOUT') return `cannot reach PostgreSQL at ${where}: connection timed out`;
  if (code === '3D000') return `database does not exist at ${where}`;
  if (code === '28P01' || code === '28000') return `PostgreSQL at ${where} refused the credentials`;
  return `cannot use PostgreSQL at ${where}: ${message}`;
}
