import { HeaderMap, type ApolloServer } from '@apollo/server';
import http from 'node:http';
import { buildContext, type RequestContext } from './context.js';
import type { AppDeps } from './deps.js';

const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
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

/** The HTTP front: `/graphql` through Apollo, `/healthz` for liveness. */
export function createHttpServer(deps: AppDeps, apollo: ApolloServer<RequestContext>): http.Server {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname !== '/graphql' && url.pathname !== '/') return sendJson(res, 404, { error: 'not found' });

    const tooLarge = () =>
      sendJson(res, 413, {
        errors: [{ message: `Request body exceeds ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_USER_INPUT' } }],
      });
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      req.resume(); // discard the body so the client reads the answer instead of a reset
      return tooLarge();
    }
    let raw = '';
    try {
      raw = await readBody(req);
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
    try {
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
        context: () =>
          buildContext(deps, {
            authorization: headers.get('authorization'),
            requestId: headers.get('x-request-id'),
            ip: req.socket.remoteAddress ?? null,
            userAgent: headers.get('user-agent') ?? null,
          }),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'request failed outside GraphQL execution');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  });
}
