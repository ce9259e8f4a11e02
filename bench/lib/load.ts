/**
 * One load run: autocannon (programmatic) at fixed concurrency for a fixed
 * time against one server, while that server's RSS is sampled; CPU time of
 * the server and of PostgreSQL and the server's SQL statement counter are
 * read before and after.
 */
import autocannon from 'autocannon';
import { postgresCpu, postgresCpuBetween, type RunningServer } from './servers.js';

export interface LoadRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Builds the body per request (write scenarios); gets the connection's context. */
  setupRequest?: (request: LoadRequest, context: Record<string, unknown>) => LoadRequest;
  /** Sees every response (write scenarios keep ids from it). */
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

export interface LoadSample {
  requests: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  statements: number;
  serverCpuSeconds: number;
  postgresCpuSeconds: number;
  peakRssBytes: number;
}

export async function runLoad(
  server: RunningServer,
  requests: LoadRequest[],
  options: { connections: number; seconds: number; measure: boolean },
): Promise<LoadSample> {
  const latencies: number[] = [];
  let errors = 0;
  const wrapped = requests.map((r) => ({
    method: r.method,
    path: r.path,
    headers: r.headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
    ...(r.setupRequest ? { setupRequest: r.setupRequest as never } : {}),
    onResponse: (status: number, body: string, context: object) => {
      if (status !== 200 || body.includes('"errors"')) errors += 1;
      r.onResponse?.(status, body, context as Record<string, unknown>);
    },
  }));
  const statementsBefore = options.measure ? await server.statements() : 0;
  const cpuBefore = server.cpuSeconds();
  const pgCpuBefore = options.measure ? await postgresCpu() : new Map<number, number>();
  let peakRss = server.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, server.rss());
  }, 100);
  const startedAt = performance.now();
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: server.origin,
      connections: options.connections,
      duration: options.seconds,
      requests: wrapped as never,
      timeout: 30,
    },
    (error, result) => (error ? fail(error as Error) : finish(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await done;
  const seconds = (performance.now() - startedAt) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, server.rss());
  const statementsAfter = options.measure ? await server.statements() : 0;
  return {
    requests: latencies.length,
    seconds,
    latenciesMs: latencies,
    errors: errors + result.errors + result.timeouts,
    statements: statementsAfter - statementsBefore,
    serverCpuSeconds: server.cpuSeconds() - cpuBefore,
    postgresCpuSeconds: options.measure ? postgresCpuBetween(pgCpuBefore, await postgresCpu()) : 0,
    peakRssBytes: peakRss,
  };
}

export interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  statementsPerRequest: number;
  /** Cores used on average (CPU seconds / wall seconds). */
  serverCpu: number;
  /** The server process's CPU time (user + system) per request, ms: the Node work a request costs. */
  serverCpuMsPerRequest: number;
  postgresCpu: number;
  peakRssMb: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Merges the rounds of one server in one scenario (exact percentiles over every response). */
export function summarize(samples: LoadSample[]): Summary {
  const latencies = samples.flatMap((s) => s.latenciesMs).sort((a, b) => a - b);
  const requests = samples.reduce((a, s) => a + s.requests, 0);
  const seconds = samples.reduce((a, s) => a + s.seconds, 0);
  return {
    requests,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statementsPerRequest: samples.reduce((a, s) => a + s.statements, 0) / Math.max(1, requests),
    serverCpu: samples.reduce((a, s) => a + s.serverCpuSeconds, 0) / seconds,
    serverCpuMsPerRequest: (samples.reduce((a, s) => a + s.serverCpuSeconds, 0) * 1000) / Math.max(1, requests),
    postgresCpu: samples.reduce((a, s) => a + s.postgresCpuSeconds, 0) / seconds,
    peakRssMb: Math.max(...samples.map((s) => s.peakRssBytes)) / (1024 * 1024),
    errors: samples.reduce((a, s) => a + s.errors, 0),
  };
}
