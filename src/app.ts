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
import type { Config } from './kernel/config.js';
import { createDatabase, warmUp } from './kernel/db/pool.js';
import { createHttpServer } from './http.js';
import { CursorCodec } from './kernel/pagination.js';
import { createLimiterStore, RequestLimiter } from './kernel/rate-limits.js';
import { createMetrics, createMetricsServer } from './operability/metrics.js';
import { loadTrustedDocuments } from './operability/persisted-queries.js';
import { createTracing } from './operability/tracing.js';
import { createApolloServer } from './server.js';
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
}

/** Process-wide services for one database URL. */
export function createDeps(config: Config, databaseUrl: string, logger: Logger, options: DepsOptions = {}): AppDeps {
  const db = createDatabase(databaseUrl, config.database);
  const metrics = createMetrics(
    db,
    config.database.maxConnections,
    config.metricsMaxOperations,
    config.trustedDocuments ? loadTrustedDocuments(config.trustedDocuments).operations.map((op) => op.name) : [],
  );
  const limiterStore = createLimiterStore(databaseUrl, config.database.connectTimeoutMs);
  db.onTransaction = metrics.observeTransaction;
  db.onCommitOutcome = metrics.observeCommitOutcome;
  return {
    config,
    db,
    metrics,
    limits: {
      queryTimeoutMs: config.database.queryTimeoutMs,
      queryTimeoutLongMs: config.database.queryTimeoutLongMs,
      acquireTimeoutMs: config.database.acquireTimeoutMs,
      commitConfirmTimeoutMs: config.database.commitConfirmTimeoutMs,
    },
    logger,
    cursors: new CursorCodec(config.cursorSecret),
    tokens: new TokenService(config.jwtSecret, { issuer: config.jwtIssuer, audience: config.jwtAudience }),
    viewerCache: new ViewerCache(config.viewerCacheTtlMs),
    limiterStore,
    requestLimiter: new RequestLimiter(limiterStore, config.abuse, {
      onFlushError: (err: unknown) => logger.warn({ err }, 'request counts not written to rate_limits; counting in memory until PostgreSQL answers'),
    }),
    loginThrottle: new LoginThrottle(limiterStore, config.abuse),
    tracing: createTracing(config.tracing, options.spanExporter),
  };
}

/** Starts Apollo and the HTTP listener on an already migrated database. */
export async function startApi(deps: AppDeps, port = deps.config.port, host = deps.config.host): Promise<RunningApi> {
  await warmUp(deps.db, deps.config.database.minConnections);
  const apollo = createApolloServer(deps);
  await apollo.start();
  const server = createHttpServer(deps, apollo);
  const subscriptions = await attachSubscriptions(deps, server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const metricsServer = createMetricsServer(deps.metrics);
  await new Promise<void>((resolve, reject) => {
    metricsServer.once('error', reject);
    metricsServer.listen(deps.config.metricsPort, deps.config.metricsHost, () => resolve());
  });
  const metricsAddress = metricsServer.address() as AddressInfo;
  const metricsHost = deps.config.metricsHost;
  const shownMetricsHost = metricsHost === '0.0.0.0' || metricsHost === '::' ? 'localhost' : metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    deps,
    apollo,
    http: server,
    url: `http://${shownHost}:${address.port}/graphql`,
    metricsUrl: `http://${shownMetricsHost}:${metricsAddress.port}/metrics`,
    /**
     * Graceful stop: refuse new connections, let in-flight requests finish
     * (up to SHUTDOWN_GRACE_MS, then cut them), then Apollo and the pool.
     */
    async stop() {
      await subscriptions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => server.closeAllConnections(), deps.config.shutdownGraceMs);
      await closed;
      clearInterval(idleSweep);
      clearTimeout(deadline);
      await apollo.stop();
      await new Promise<void>((resolve) => {
        metricsServer.close(() => resolve());
        metricsServer.closeAllConnections();
      });
      await deps.requestLimiter.close();
      await deps.limiterStore.close();
      await deps.db.close();
      await deps.tracing?.shutdown();
    },
  };
}
