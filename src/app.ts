import type { ApolloServer } from '@apollo/server';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { RequestContext } from './context.js';
import type { AppDeps } from './deps.js';
import { ViewerCache } from './identity/authenticate.js';
import { TokenService } from './identity/tokens.js';
import type { Config } from './kernel/config.js';
import { createDatabase, warmUp } from './kernel/db/pool.js';
import { createHttpServer } from './http.js';
import { loaderInstrumentation } from './kernel/loaders.js';
import { configureCursorSecret } from './kernel/pagination.js';
import { createMetrics } from './operability/metrics.js';
import { createApolloServer } from './server.js';
import { attachSubscriptions } from './subscriptions.js';

export interface RunningApi {
  deps: AppDeps;
  apollo: ApolloServer<RequestContext>;
  http: http.Server;
  url: string;
  stop(): Promise<void>;
}

/** Process-wide services for one database URL. */
export function createDeps(config: Config, databaseUrl: string, logger: Logger): AppDeps {
  const db = createDatabase(databaseUrl, config.database);
  const metrics = createMetrics(db, config.database.maxConnections);
  db.onTransaction = metrics.observeTransaction;
  db.onCommitOutcome = metrics.observeCommitOutcome;
  loaderInstrumentation.onBatch = (size) => metrics.loaderBatchSize.observe(size);
  configureCursorSecret(config.cursorSecret);
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
    tokens: new TokenService(config.jwtSecret),
    viewerCache: new ViewerCache(),
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
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    deps,
    apollo,
    http: server,
    url: `http://${shownHost}:${address.port}/graphql`,
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
      await deps.db.close();
    },
  };
}
