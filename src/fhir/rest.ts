import { once } from 'node:events';
import type http from 'node:http';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { buildContext, requireViewer, type TenantContext } from '../context.js';
import type { AppDeps } from '../deps.js';
import { assertPermission } from '../kernel/auth/viewer.js';
import { accessNotRecorded, badInput, notFound } from '../kernel/errors.js';
import { capabilityStatement } from './capability.js';
import { everythingOrdering, mapContextOf, pageCount, recordPage, resourceTypes, searchsetBundle, sinceOf, type RecordQuery } from './everything.js';
import { patientResource } from './map/patient.js';
import { failureOf, operationOutcome } from './outcome.js';
import { RECORD_SOURCES } from './sources.js';

export const FHIR_PREFIX = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const NDJSON = 'application/fhir+ndjson';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** When the CapabilityStatement last changed. */
const CAPABILITY_DATE = '2026-05-01';

/** A request this API answers, by path; anything else is a 404 OperationOutcome. */
type Route =
  | { kind: 'metadata' }
  | { kind: 'patient'; id: string }
  | { kind: 'everything'; id: string }
  | { kind: 'observations' };

function routeOf(path: string): Route | null {
  if (path === '/metadata') return { kind: 'metadata' };
  if (path === '/Observation') return { kind: 'observations' };
  const m = /^\/Patient\/([^/]+)(\/\$everything)?$/.exec(path);
  if (!m) return null;
  return m[2] ? { kind: 'everything', id: m[1]! } : { kind: 'patient', id: m[1]! };
}

const baseOf = (req: http.IncomingMessage) => `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${FHIR_PREFIX}`;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': FHIR_JSON, ...headers });
  res.end(JSON.stringify(body));
}

/** A patient id of the path: not a UUID is a resource this server cannot have (404, like any unknown id). */
function patientIdOf(id: string): string {
  if (!UUID.test(id)) throw notFound('Patient', id);
  return id.toLowerCase();
}

/** `_type=Observation,Condition` (repeatable) → the listed types. */
const listParam = (url: URL, name: string) => url.searchParams.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

function everythingQuery(url: URL, id: string, count: number): RecordQuery {
  const types = resourceTypes(listParam(url, '_type'));
  const since = sinceOf(url.searchParams.get('_since'));
  return { patientId: id, types, since, count, sources: RECORD_SOURCES, includePatient: true, ordering: everythingOrdering('everything', id, types, since), cursor: url.searchParams.get('_cursor') };
}

function observationQuery(url: URL): RecordQuery {
  const patient = url.searchParams.get('patient') ?? url.searchParams.get('subject');
  if (!patient) throw badInput('patient is required: Observation?patient={id}', 'patient');
  const id = patientIdOf(patient.replace(/^Patient\//, ''));
  const category = url.searchParams.get('category')?.replace(/^.*\|/, '') ?? null;
  if (category !== null && category !== 'vital-signs' && category !== 'laboratory') throw badInput('category must be vital-signs or laboratory', 'category');
  const sources = RECORD_SOURCES.filter((s) => s.category && (category === null || s.category === category));
  const types = new Set(['Observation'] as const);
  const since = sinceOf(url.searchParams.get('_since'));
  return { patientId: id, types, since, count: pageCount(url.searchParams.get('_count')), sources, includePatient: false, ordering: everythingOrdering(`observations:${category ?? ''}`, id, types, since), cursor: url.searchParams.get('_cursor') };
}

/** The same URL with `_cursor` set: the Bundle's `next` link. */
const withCursor = (base: string, url: URL) => (cursor: string) => {
  const next = new URL(url.toString());
  next.searchParams.set('_cursor', cursor);
  return `${base}${next.pathname.slice(FHIR_PREFIX.length)}${next.search}`;
};

const wantsNdjson = (req: http.IncomingMessage, url: URL) =>
  url.searchParams.get('_outputFormat') === NDJSON || url.searchParams.get('_outputFormat') === 'ndjson' || (req.headers.accept ?? '').includes(NDJSON);

/**
 * The read-only FHIR R4 API. Every read runs as a GraphQL request does: the bearer token and the per-user
 * request limit (`buildContext`), the tenant-scoped read transaction (`TenantSession`, RLS and statement
 * timeout), the same loaders and repositories, the permission matrix, the `@phi` masking (src/fhir/phi-view.ts)
 * and the PHI access log, written before the answer leaves (an access that cannot be logged is not served).
 */
export async function serveFhir(deps: AppDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string): Promise<void> {
  const base = baseOf(req);
  const route = routeOf(url.pathname.slice(FHIR_PREFIX.length));
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    return send(res, 405, operationOutcome('not-supported', 'This FHIR API is read-only: use GET', requestId), { allow: 'GET' });
  }
  if (!route) return send(res, 404, operationOutcome('not-found', `No FHIR endpoint at ${url.pathname}`, requestId));
  if (route.kind === 'metadata') return send(res, 200, capabilityStatement(base, CAPABILITY_DATE));
  let ctx: TenantContext | null = null;
  try {
    ctx = requireViewer(
      await buildContext(deps, {
        authorization: req.headers.authorization,
        requestId,
        ip: req.socket.remoteAddress ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        host: req.headers.host ?? null,
      }),
    );
    ctx.operation.name = `FHIR ${route.kind === 'patient' ? 'Patient read' : route.kind === 'everything' ? 'Patient $everything' : 'Observation search'}`;
    ctx.operation.type = 'query';
    if (route.kind === 'everything' && wantsNdjson(req, url)) return await streamEverything(ctx, res, everythingQuery(url, patientIdOf(route.id), 1000));
    const body = await answer(ctx, route, url, base);
    const access = await ctx.session.end();
    if (!access.recorded) {
      deps.logger.error({ err: access.cause, requestId }, 'PHI access not recorded: the response was withheld');
      throw accessNotRecorded();
    }
    return send(res, 200, body);
  } catch (error) {
    if (ctx) await ctx.session.end().catch(() => undefined);
    const failure = failureOf(error, requestId);
    if (failure.internal) deps.logger.error({ err: error, requestId }, 'FHIR request failed (masked for the client)');
    if (res.headersSent) return void res.destroy();
    return send(res, failure.status, failure.outcome, failure.headers);
  }
}

async function answer(ctx: TenantContext, route: Exclude<Route, { kind: 'metadata' }>, url: URL, base: string): Promise<Resource | Bundle> {
  if (route.kind === 'patient') {
    assertPermission(ctx.viewer, 'patients:read');
    const patient = await ctx.loaders.patientById.load(patientIdOf(route.id));
    if (!patient) throw notFound('Patient', route.id);
    return patientResource(patient, mapContextOf(ctx));
  }
  const query = route.kind === 'everything' ? everythingQuery(url, patientIdOf(route.id), pageCount(url.searchParams.get('_count'))) : observationQuery(url);
  const page = await recordPage(ctx, query);
  return searchsetBundle(base, page, `${base}${url.pathname.slice(FHIR_PREFIX.length)}${url.search}`, withCursor(base, url));
}

/**
 * `$everything` as NDJSON (bulk data's format, one resource per line) for a patient's right of access: page
 * after page of keyset reads, each line written as it is produced (waiting for the client to drain), so a
 * record of any size never sits in memory. The access is logged before the first line leaves.
 */
async function streamEverything(ctx: TenantContext, res: http.ServerResponse, query: RecordQuery): Promise<void> {
  let page = await recordPage(ctx, query);
  const access = await ctx.session.recordAccessNow();
  if (!access.recorded) {
    ctx.deps.logger.error({ err: access.cause, requestId: ctx.requestId }, 'PHI access not recorded: the export was withheld');
    throw accessNotRecorded();
  }
  res.writeHead(200, { 'content-type': NDJSON });
  for (;;) {
    for (const resource of page.resources) {
      if (res.destroyed) return void (await ctx.session.end());
      if (!res.write(JSON.stringify(resource) + '\n')) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    if (!page.next) break;
    page = await recordPage(ctx, { ...query, cursor: page.next });
  }
  res.end();
  await ctx.session.end();
}
