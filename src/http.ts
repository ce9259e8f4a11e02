import { HeaderMap, type ApolloServer } from '@apollo/server';
import cors from 'cors';
import http from 'node:http';
import { buildContext, requestIdOf, type RequestContext } from './context.js';
import type { AppDeps } from './deps.js';
import { FHIR_PREFIX, serveFhir } from './fhir/rest.js';
import { migrationLevel } from './kernel/db/migrate.js';
import { EXPLORER_ASSET_PREFIX, graphiqlExplorer, wantsHtml } from './operability/explorer.js';

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Chunked upload without a length: stop buffering, keep draining, answer 413.
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** CORS for browser clients on other origins: only the configured allow-list (or `*`). */
function corsHandler(origins: string[]) {
  return cors({
    origin: origins.includes('*') ? true : origins,
    methods: ['GET', 'POST', 'OPTIONS'],
    exposedHeaders: ['x-request-id'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', 'idempotency-key'],
    maxAge: 600,
  });
}

/** `/readyz`: the database answers and has every migration this build needs. */
async function readiness(deps: AppDeps) {
  try {
    await deps.db.sql`select 1 as ok`;
    const migrations = await migrationLevel(deps.db.sql);
    // A replica that is down or lagging is reported, not a reason to stop serving: the primary takes its reads.
    const replica = deps.replicas && { ...deps.replicas.state, servingReads: deps.replicas.state.status === 'up' };
    return { ready: migrations.upToDate, database: 'up', migrations, ...(replica ? { replica } : {}) };
  } catch {
    return { ready: false, database: 'down' };
  }
}

/**
 * The HTTP front: `/graphql` through Apollo (a browser navigating there gets GraphiQL, files under `/graphiql/`);
 * `/fhir/R4/…` the read-only FHIR API (src/fhir/rest.ts); `/healthz` and `/readyz` for operators (`/metrics` has its own listener).
 */
export function createHttpServer(deps: AppDeps, apollo: ApolloServer<RequestContext>): http.Server {
  const allowCors = corsHandler(deps.config.corsOrigins);
  const maxBody = deps.config.limits.maxBodyBytes;
  const explorer = deps.config.explorer === 'graphiql' ? graphiqlExplorer() : null;
  return http.createServer((req, res) => {
    // Every answer (GraphQL, health, metrics, 404, 413, CORS preflight) carries the request id its log line has.
    const header = req.headers['x-request-id'];
    const requestId = requestIdOf(Array.isArray(header) ? header[0] : header);
    res.setHeader('x-request-id', requestId);
    allowCors(req, res, () => void route(req, res, requestId));
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const state = await readiness(deps);
      return sendJson(res, state.ready ? 200 : 503, state);
    }
    if (explorer && req.method === 'GET' && url.pathname.startsWith(EXPLORER_ASSET_PREFIX)) {
      if (await explorer.asset(url.pathname, res)) return;
    }
    if (url.pathname.startsWith(FHIR_PREFIX + '/') || url.pathname === FHIR_PREFIX) return serveFhir(deps, req, res, url, requestId);
    if (url.pathname !== '/graphql' && url.pathname !== '/') return sendJson(res, 404, { error: 'not found' });
    if (explorer && wantsHtml(req)) return explorer.page(req, res);

    const tooLarge = () =>
      sendJson(res, 413, {
        errors: [{ message: `Request body exceeds ${maxBody} bytes`, extensions: { code: 'BAD_USER_INPUT' } }],
      });
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      req.resume(); // discard the body so the client reads the answer instead of a reset
      return tooLarge();
    }
    let raw = '';
    try {
      raw = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge();
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if ((headers.get('content-type') ?? '').includes('application/json') && raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    // Continues the caller's W3C trace (traceparent) when tracing is on; ended before the answer leaves.
    const trace = deps.tracing?.startRequest(req.headers, requestId) ?? null;
    try {
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
        context: () =>
          buildContext(deps, {
            authorization: headers.get('authorization'),
            requestId,
            ip: req.socket.remoteAddress ?? null,
            userAgent: headers.get('user-agent') ?? null,
            host: headers.get('host') ?? null,
            idempotencyKey: headers.get('idempotency-key'),
            trace,
          }),
      });
      trace?.end();
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      trace?.failed(['INTERNAL_SERVER_ERROR']);
      trace?.end();
      deps.logger.error({ err: error, requestId }, 'request failed outside GraphQL execution');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  }
}
