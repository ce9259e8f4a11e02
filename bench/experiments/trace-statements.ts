/**
 * Lists the SQL statements our API sends for one GraphQL request, in order
 * (the `/* name *\/` comment of each repository query, or its first words).
 *
 *   DATABASE_URL=… node --import tsx bench/experiments/trace-statements.ts bench/scenarios/mobile-summary.graphql '{"first":1}'
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { createDeps, startApi } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';

const [file, variables = '{}', email = 'physician@northwind.example'] = process.argv.slice(2);
if (!file || !process.env.DATABASE_URL) throw new Error('usage: DATABASE_URL=… trace-statements.ts <document.graphql> [variables-json] [email]');
const config = loadConfig({ ...process.env, NODE_ENV: 'production', JWT_SECRET: 'trace-only-secret-trace-only-secret-0123456789', LOG_LEVEL: 'silent', METRICS_PORT: '0' });
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
  variables: { i: { email, password: 'demo-password-2026' } },
});
const token = login.data!.login!.accessToken;
const body = { query: readFileSync(file, 'utf8'), variables: JSON.parse(variables) as unknown };
await post(body, token); // warm the viewer cache

const seen: string[] = [];
const options = (deps.db.sql as unknown as { options: { debug: (...args: unknown[]) => void } }).options;
const count = options.debug;
options.debug = (...args: unknown[]) => {
  count(...args);
  const text = String(args[1] ?? '').trim();
  const name = /\/\*\s*([A-Za-z]+)\s*\*\//.exec(text)?.[1] ?? text.replace(/\s+/g, ' ').slice(0, 60);
  seen.push(name);
};
const result = await post(body, token);
process.stdout.write(`${seen.length} statements${result.errors ? ` (errors: ${JSON.stringify(result.errors).slice(0, 200)})` : ''}:\n`);
seen.forEach((s, i) => process.stdout.write(`  ${String(i + 1).padStart(2)}. ${s}\n`));
await api.stop();
process.exit(0);
