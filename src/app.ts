import type { ApolloServer } from '@apollo/server';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { RequestContext } from './context.js';
import type { AppDeps } from './deps.js';
import { ViewerCache } from './identity/viewer-cache.js';
import { LoginThrottle } from './identity/login-throttle.js';
import { TokenService } from './identity/tokens.js';
import { systemClock, type Clock } from './kernel/clock.js';
import type { Config } from './kernel/config.js';
import type { JobRunner } from './kernel/jobs.js';
import { startJobs } from './jobs.js';
import { AccessLogBatches } from './kernel/db/access-log.js';
import { createDatabase, warmUp } from './kernel/db/pool.js';
import { ReplicaRouter } from './kernel/db/replica.js';
import { createHttpServer } from './http.js';
import { CursorCodec } from './kernel/pagination.js';
import { createLimiterStore, RequestLimiter } from './kernel/rate-limits.js';
import { createMetrics, createMetricsServer } from './operability/metrics.js';
import { loadTrustedDocuments } from './operability/persisted-queries.js';
import { createTracing } from './operability/tracing.js';
import { createApolloServer, loadTypeDefs } from './server.js';
import { phiFieldKinds } from './kernel/auth/phi.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { attachSubscriptions } from './subscriptions.js';

export interface RunningApi {
  deps: AppDeps;
  apollo: ApolloServer<RequestContext>;
  http: http.Server;
  url: string;
  /** Prometheus metrics, on their own listener (METRICS_HOST:METRICS_PORT). */
  metricsUrl: string;
  stop(): Promise<void>;
}

export interface DepsOptions {
  /** Where spans go instead of OTLP (tests: the SDK's InMemorySpanExporter); turns tracing on. */
  spanExporter?: SpanExporter;
  /** The time background jobs go by (tests move it: test/helpers/clock.ts). */
  clock?: Clock;
}

/** Process-wide services for one database URL. */
export function createDeps(config: Config, databaseUrl: string, logger: Logger, options: DepsOptions = {}): AppDeps {
  const db = createDatabase(databaseUrl, config.database);
  // LISTEN needs a session of its own on PostgreSQL itself: through a transaction-mode pooler
  // (LISTEN_DATABASE_URL ≠ DATABASE_URL) it gets a separate, direct pool of one connection.
  const listenUrl = config.database.listenUrl;
  const listener = listenUrl && listenUrl !== databaseUrl ? createDatabase(listenUrl, { ...config.database, maxConnections: 1, minConnections: 0 }, 'health-graphql-listen') : db;
  const metrics = createMetrics(
    db,
    config.database.maxConnections,
    config.metricsMaxOperations,
    config.trustedDocuments ? loadTrustedDocuments(config.trustedDocuments).operations.map((op) => op.name) : [],
  );
  const limiterStore = createLimiterStore(databaseUrl, config.database.connectTimeoutMs, config.database.prepare);
  db.onTransaction = metrics.observeTransaction;
  db.onCommitOutcome = metrics.observeCommitOutcome;
  const { replicaUrl } = config.database;
  const replicas = replicaUrl
    ? new ReplicaRouter(
        createDatabase(replicaUrl, config.database, 'health-graphql-replica'),
        createDatabase(replicaUrl, { ...config.database, maxConnections: 1, minConnections: 0 }, 'health-graphql-replica-check'),
        db,
        {
          maxLagMs: config.database.replicaMaxLagMs,
          readYourWritesMs: config.database.replicaReadYourWritesMs,
          checkIntervalMs: config.database.replicaCheckIntervalMs,
        },
        logger,
      )
    : null;
  return {
    config,
    db,
    replicas,
    listener,
    metrics,
    limits: {
      queryTimeoutMs: config.database.queryTimeoutMs,
      queryTimeoutLongMs: config.database.queryTimeoutLongMs,
      acquireTimeoutMs: config.database.acquireTimeoutMs,
      commitConfirmTimeoutMs: config.database.commitConfirmTimeoutMs,
    },
    accessLog: new AccessLogBatches((rows) => metrics.accessRowsPerInsert.observe(rows)),
    logger,
    cursors: new CursorCodec(config.cursorSecret),
    tokens: new TokenService(config.jwtSecret, { issuer: config.jwtIssuer, audience: config.jwtAudience }),
    viewerCache: new ViewerCache(config.viewerCacheTtlMs),
    limiterStore,
    requestLimiter: new RequestLimiter(limiterStore, config.abuse, {
      onFlushError: (err: unknown) => logger.warn({ err }, 'request counts not written to rate_limits; counting in memory until PostgreSQL answers'),
    }),
    loginThrottle: new LoginThrottle(limiterStore, config.abuse),
    clock: options.clock ?? systemClock,
    databaseUrl,
    tracing: createTracing(config.tracing, options.spanExporter),
    phiFields: phiFieldKinds(makeExecutableSchema({ typeDefs: loadTypeDefs() })),
  };
}

/** Starts Apollo and the HTTP listener on an already migrated database. */
export async function startApi(
  deps: AppDeps,
  port = deps.config.port,
  host = deps.config.host,
  /** A cluster worker leaves `/metrics` to its primary, which aggregates every worker's (src/cluster.ts). */
  options: { metricsListener?: boolean } = {},
): Promise<RunningApi> {
  await warmUp(deps.db, deps.config.database.minConnections);
  // A replica that does not answer at start is only reported (/readyz): reads go to the primary.
  await deps.replicas?.start();
  const apollo = createApolloServer(deps);
  await apollo.start();
  const server = createHttpServer(deps, apollo);
  const subscriptions = await attachSubscriptions(deps, server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const metricsServer = options.metricsListener === false ? null : createMetricsServer(deps.metrics);
  if (metricsServer) {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject);
      metricsServer.listen(deps.config.metricsPort, deps.config.metricsHost, () => resolve());
    });
  }
  const metricsPort = metricsServer ? (metricsServer.address() as AddressInfo).port : deps.config.metricsPort;
  // Background jobs (escalation of overdue tasks) in this process unless JOBS=off (`npm run worker`).
  // The job queue LISTENs and holds locks across statements: it takes the direct connection (LISTEN_DATABASE_URL)
  // when DATABASE_URL goes through a transaction-mode pooler.
  const jobsUrl = deps.config.database.listenUrl ?? deps.databaseUrl;
  const jobs: JobRunner | null = deps.config.jobs === 'in-process' ? await startJobs(deps, jobsUrl) : null;
  const metricsHost = deps.config.metricsHost;
  const shownMetricsHost = metricsHost === '0.0.0.0' || metricsHost === '::' ? 'localhost' : metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    deps,
    apollo,
    http: server,
    url: `http://${shownHost}:${address.port}/graphql`,
    metricsUrl: `http://${shownMetricsHost}:${metricsPort}/metrics`,
    /**
     * Graceful stop: refuse new connections, let in-flight requests finish
     * (up to SHUTDOWN_GRACE_MS, then cut them), then Apollo and the pool.
     */
    async stop() {
      await jobs?.stop();
      await subscriptions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => server.closeAllConnections(), deps.config.shutdownGraceMs);
      await closed;
      clearInterval(idleSweep);
      clearTimeout(deadline);
      await apollo.stop();
      if (metricsServer) {
        await new Promise<void>((resolve) => {
          metricsServer.close(() => resolve());
          metricsServer.closeAllConnections();
        });
      }
      await deps.requestLimiter.close();
      await deps.limiterStore.close();
      if (deps.listener !== deps.db) await deps.listener.close();
      await deps.replicas?.close();
      await deps.db.close();
      await deps.tracing?.shutdown();
    },
  };
}
