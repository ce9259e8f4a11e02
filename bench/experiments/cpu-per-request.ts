/**
 * CPU time of this process per GraphQL request (a page of 20 patients by
 * default), the API in-process: sends N sequential requests after a warm-up and
 * divides `process.cpuUsage()` (user + system) by N. The client's own work
 * (fetch) is counted too, the same in every run, so compare runs, not numbers
 * across machines.
 *
 *   DATABASE_URL=… node --import tsx bench/experiments/cpu-per-request.ts [requests] [document.graphql] [variables-json]
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { createDeps, startApi } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';

const [n = '2000', file = 'bench/scenarios/patient-page.graphql', variables = '{"first":20}'] = process.argv.slice(2);
if (!process.env.DATABASE_URL) throw new Error('usage: DATABASE_URL=… cpu-per-request.ts [requests] [document.graphql] [variables-json]');
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'production',
  JWT_SECRET: 'bench-only-secret-bench-only-secret-0123456789',
  LOG_LEVEL: 'silent',
  METRICS_PORT: '0',
  RATE_LIMIT_REQUESTS: '10000000',
});
const deps = createDeps(config, process.env.DATABASE_URL, pino({ level: 'silent' }));
const api = await startApi(deps, 0, '127.0.0.1');
const post = (body: unknown, token?: string) =>
  fetch(api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<{ data?: { login?: { accessToken: string } }; errors?: unknown[] }>);
const login = await post({
  query: 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }',
  variables: { i: { email: 'physician@northwind.example', password: 'demo-password-2026' } },
});
const token = login.data?.login?.accessToken;
if (!token) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
const body = { query: readFileSync(file, 'utf8'), variables: JSON.parse(variables) as unknown };
const requests = Number(n);
for (let i = 0; i < Math.min(300, requests); i++) {
  const r = await post(body, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
}
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < requests; i++) await post(body, token);
const used = process.cpuUsage(cpu);
const wall = performance.now() - started;
const per = (us: number) => (us / requests).toFixed(1);
process.stdout.write(
  `${requests} requests: cpu ${per(used.user + used.system)} µs/request (user ${per(used.user)}, system ${per(used.system)}), wall ${((wall * 1000) / requests).toFixed(1)} µs/request\n`,
);
await api.stop();
process.exit(0);
