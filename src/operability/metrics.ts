import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../kernel/db/pool.js';

/** Prometheus metrics of one API process, served at `/metrics` on a listener of their own. */
export interface Metrics {
  registry: Registry;
  /**
   * The `operation` label value for a request: the operation's name if it is a
   * trusted document's or one already seen from a signed-in user, or a new one
   * from a signed-in user while fewer than METRICS_MAX_OPERATIONS names are
   * known; otherwise `other`. No client can grow the series without bound.
   */
  operationLabel(name: string | null, signedIn: boolean): string;
  requests: Counter<'operation' | 'outcome'>;
  requestSeconds: Histogram<'operation' | 'outcome'>;
  errors: Counter<'code'>;
  loaderBatchSize: Histogram;
  /** Rows per PHI access-log insert: how many requests' access rows each carrier committed (src/kernel/db/access-log.ts). */
  accessRowsPerInsert: Histogram;
  transactionSeconds: Histogram<'kind'>;
  observeTransaction(kind: 'read' | 'write' | 'auth', seconds: number): void;
  /** A write's connection died at COMMIT; its outcome was looked up and found to be this. */
  observeCommitOutcome(outcome: 'committed' | 'aborted' | 'unknown'): void;
  /** Where the live-subscription gauge reads its value (the subscription server sets it). */
  countSubscribersWith(count: () => number): void;
  /** An operation was compiled by graphql-jit (its document's second run). */
  observeCompilation(): void;
}

/** Longest operation name kept as a label value. */
const MAX_OPERATION_NAME = 100;

export function createMetrics(db: Database, poolMax: number, maxOperations = 200, trustedNames: readonly string[] = []): Metrics {
  const registry = new Registry();
  const trusted = new Set(trustedNames);
  const seen = new Set<string>();
  const operationLabel = (name: string | null, signedIn: boolean) => {
    if (name === null) return 'anonymous';
    if (trusted.has(name) || seen.has(name)) return name;
    if (signedIn && seen.size < maxOperations && name.length <= MAX_OPERATION_NAME) {
      seen.add(name);
      return name;
    }
    return 'other';
  };
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations by operation name and outcome (ok, error)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL operation latency by operation name and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors returned, by extensions.code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const loaderBatchSize = new Histogram({
    name: 'dataloader_batch_size',
    help: 'Keys per DataLoader batch (one SQL statement each)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const accessRowsPerInsert = new Histogram({
    name: 'phi_access_log_rows_per_insert',
    help: 'Requests whose PHI access rows one insert committed (1: a request alone; more: grouped while another was in flight)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const transactionSeconds = new Histogram({
    name: 'db_transaction_duration_seconds',
    help: 'Database transaction time by kind (request reads, mutations, sign-in)',
    labelNames: ['kind'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [registry],
  });
  new Counter({
    name: 'sql_statements_total',
    help: 'SQL statements sent to PostgreSQL',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(db.statements.count);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'Configured upper bound of the connection pool',
    registers: [registry],
    collect() {
      this.set(poolMax);
    },
  });
  new Gauge({
    name: 'db_pool_connections_in_use',
    help: 'Transactions currently holding a pool connection',
    registers: [registry],
    collect() {
      this.set(db.inUse.count);
    },
  });
  new Gauge({
    name: 'db_pool_waiting',
    help: 'Transactions waiting for a free pool connection',
    registers: [registry],
    collect() {
      this.set(db.inUse.waiting);
    },
  });
  let subscribers: () => number = () => 0;
  new Gauge({
    name: 'graphql_subscriptions_active',
    help: 'GraphQL subscriptions this process is delivering right now',
    registers: [registry],
    collect() {
      this.set(subscribers());
    },
  });
  const commitOutcomes = new Counter({
    name: 'db_commit_outcome_lookups_total',
    help: 'Writes whose connection failed at COMMIT, by the outcome learned afterwards (committed, aborted, unknown)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const compilations = new Counter({
    name: 'graphql_operations_compiled_total',
    help: 'Operations compiled by graphql-jit (on the second run of a cached document)',
    registers: [registry],
  });
  return {
    registry,
    operationLabel,
    requests,
    requestSeconds,
    errors,
    loaderBatchSize,
    accessRowsPerInsert,
    transactionSeconds,
    observeTransaction: (kind, seconds) => transactionSeconds.observe({ kind }, seconds),
    observeCommitOutcome: (outcome) => commitOutcomes.inc({ outcome }),
    countSubscribersWith: (count) => (subscribers = count),
    observeCompilation: () => compilations.inc(),
  };
}

/** The `/metrics` listener: only that path, meant for 127.0.0.1 or a private network (METRICS_HOST). */
export function createMetricsServer(metrics: Metrics): http.Server {
  return http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable'),
    );
  });
}
