/**
 * PostGraphile v5 peer of the benchmark: the generated schema (Amber preset +
 * simplified inflection) over the same database as the API.
 *
 *   DATABASE_URL=postgres://… PORT=4200 BENCH_ORG_ID=… BENCH_USER_ID=… npx -y node@24 server.mjs
 *
 * Tenancy: it connects as the (superuser) benchmark role and every request
 * runs in a transaction whose pgSettings switch to role `health_app` and set
 * `app.organization_id` / `app.user_id`, exactly the settings the API's
 * tenant scope sets; row-level security then shows one organization's rows.
 * It does not verify the bearer token (the organization is fixed by
 * BENCH_ORG_ID), so it does no authentication work per request.
 *
 * Exposes `public` (generated CRUD) and `bench_pg` (setup.sql: full-text
 * search and the audited write functions a PostGraphile user would write).
 * GET /metrics reports `sql_statements_total`, counted at pg.Client#query.
 * PRINT_SCHEMA=path writes the generated SDL and exits.
 */
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import { printSchema } from 'postgraphile/graphql';

const env = process.env;
const port = Number(env.PORT ?? 4200);
const organizationId = env.BENCH_ORG_ID ?? '';
const userId = env.BENCH_USER_ID ?? '';

// Count every statement sent (BEGIN, set_config and COMMIT included), like the API's counter.
let statements = 0;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements += 1;
  return originalQuery.apply(this, args);
};

const pool = new pg.Pool({
  connectionString: env.DATABASE_URL,
  max: Number(env.POOL_MAX ?? 10),
  application_name: 'bench-postgraphile',
});

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  // Order and filter (condition) by any column, not only indexed ones (v4's --no-ignore-indexes):
  // the benchmark's queries filter allergies by status and order by non-leading index columns.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [
    makePgService({
      pool,
      schemas: ['public', 'bench_pg'],
      pgSettings: () => ({
        role: 'health_app',
        'app.organization_id': organizationId,
        'app.user_id': userId,
        statement_timeout: '5000',
      }),
    }),
  ],
  grafserv: { port, graphqlPath: '/graphql', watch: false, graphiql: false },
  grafast: { explain: false },
  schema: { exportSchemaSDLPath: undefined },
};

const pgl = postgraphile(preset);

if (env.PRINT_SCHEMA) {
  const { schema } = await pgl.getSchemaResult();
  writeFileSync(env.PRINT_SCHEMA, printSchema(schema));
  await pgl.release();
  await pool.end();
  process.exit(0);
}

const serv = pgl.createServ(grafserv);
const graphql = serv.createHandler();
const server = createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`sql_statements_total ${statements}\n`);
    return;
  }
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  graphql(req, res);
});
server.keepAliveTimeout = 65_000;
// Build the schema before accepting traffic.
await pgl.getSchemaResult();
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`postgraphile peer listening on http://127.0.0.1:${port}/graphql\n`);
});

const stop = async () => {
  server.close();
  await pgl.release().catch(() => {});
  await pool.end().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
