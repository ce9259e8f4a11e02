import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * API_PROCESSES > 1: the primary process prepares the database once
 * (provisioning, migrations, seeding), then forks that many workers that serve
 * on one port (Node's cluster hands connections round-robin) and restarts any
 * that dies. The primary serves `/metrics` for all of them, summed. Nothing a
 * request needs lives in a process (docs/scale-out.md), so workers are peers.
 */
export interface WorkerEnv {
  /** The database the workers serve (the embedded cluster's URL included). */
  DATABASE_URL: string;
}

const WORKER_MARK = 'HEALTH_API_WORKER';

export const isApiWorker = (): boolean => cluster.isWorker && process.env[WORKER_MARK] === '1';

/** In a worker: lets the primary collect this registry for its aggregated `/metrics`. */
export function reportMetricsToPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs the worker's answer to the primary's metric requests.
  new AggregatorRegistry();
}

export interface RunningCluster {
  /** Port the workers listen on (PORT, or the one the OS chose for PORT=0). */
  port: number;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function superviseWorkers(
  count: number,
  env: WorkerEnv,
  listen: { host: string; metricsHost: string; metricsPort: number },
  logger: Logger,
): Promise<RunningCluster> {
  let stopping = false;
  const fork = (): Worker => cluster.fork({ ...env, [WORKER_MARK]: '1', SEED_ON_FIRST_START: 'false' });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'an API worker exited; starting another');
    fork();
  });
  const workers = Array.from({ length: count }, fork);
  const ports = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<number>((resolve, reject) => {
          worker.once('listening', (address) => resolve(address.port));
          worker.once('exit', (code) => reject(new Error(`an API worker exited with ${code} before it listened`)));
        }),
    ),
  );
  const aggregator = new AggregatorRegistry();
  const metrics = http.createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics');
      return;
    }
    aggregator.clusterMetrics().then(
      (text) => res.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    metrics.once('error', reject);
    metrics.listen(listen.metricsPort, listen.metricsHost, () => resolve());
  });
  const metricsHost = listen.metricsHost.includes(':') ? `[${listen.metricsHost}]` : listen.metricsHost;
  return {
    port: ports[0]!,
    metricsUrl: `http://${metricsHost === '0.0.0.0' ? 'localhost' : metricsHost}:${(metrics.address() as AddressInfo).port}/metrics`,
    async stop() {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      // Each worker drains its own requests (SIGTERM → graceful stop, SHUTDOWN_GRACE_MS).
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
      await new Promise<void>((resolve) => metrics.close(() => resolve()));
    },
  };
}
