import { randomUUID } from 'node:crypto';
import type { AppDeps } from './deps.js';
import { TenantSession, type SessionRouting } from './kernel/db/tenant-session.js';
import { DomainError, unauthenticated } from './kernel/errors.js';
import { parseIdempotencyKey, type IdempotencyOption } from './kernel/idempotency.js';
import type { Viewer } from './kernel/auth/viewer.js';
import { authenticateBearer } from './identity/authenticate.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { RequestTrace } from './operability/tracing.js';

/** Everything a resolver may use, built once per request and passed explicitly. */
export interface RequestContext {
  requestId: string;
  deps: AppDeps;
  /** The signed-in user, or null for anonymous requests (login, health). */
  viewer: Viewer | null;
  /** Database work of this request, bound to the viewer's organization. Null when anonymous. */
  session: TenantSession | null;
  loaders: Loaders;
  /** The request's `Idempotency-Key` header: absent, a key, or refused (reported by the first write). */
  idempotency: IdempotencyOption;
  /** Client metadata kept for the audit trail of authentication events. */
  client: { ip: string | null; userAgent: string | null; host?: string | null };
  /** The request's trace (src/operability/tracing.ts); null when tracing is off. */
  trace: RequestTrace | null;
  /**
   * Facts learned while the request runs. An object (not fields) because
   * Apollo shallow-clones the context per operation; the clones share it.
   */
  operation: {
    name: string | null;
    /** query, mutation or subscription; set once the operation is resolved. */
    type?: 'query' | 'mutation' | 'subscription';
    /** SHA-256 of the resolved operation (query text, name, variables); set once the operation is resolved. */
    fingerprint?: () => string;
  };
}

/** A signed-in request: the viewer and a session bound to their organization. */
export interface TenantContext extends RequestContext {
  viewer: Viewer;
  session: TenantSession;
}

export function requireViewer(ctx: RequestContext): TenantContext {
  if (!ctx.viewer || !ctx.session) throw unauthenticated();
  return ctx as TenantContext;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The client's `x-request-id` when it is a safe token, else a new UUID. */
export const requestIdOf = (header: string | null | undefined): string =>
  header && REQUEST_ID.test(header) ? header : randomUUID();

export interface IncomingRequestInfo {
  authorization: string | undefined;
  requestId: string | undefined;
  ip: string | null;
  userAgent: string | null;
  /** The `Host` header (absolute URLs of FHIR resources). */
  host?: string | null;
  /** The `Idempotency-Key` header, if sent. */
  idempotencyKey?: string | undefined;
  /** The request's trace, when tracing is on (started by the HTTP layer, which also ends it). */
  trace?: RequestTrace | null;
}

/**
 * The request's `Idempotency-Key` for its session. A malformed header is
 * reported by the first write (so a query with one still runs). Sign-in
 * mutations have no session: refreshSession replays under a usable key
 * (src/identity/refresh-replay.ts); login, logout and a malformed key ignore it.
 */
function idempotencyOf(deps: AppDeps, operation: RequestContext['operation'], header: string | undefined): IdempotencyOption {
  let key: string | undefined;
  try {
    key = parseIdempotencyKey(header);
  } catch (error) {
    if (error instanceof DomainError) return { rejected: error };
    throw error;
  }
  if (key === undefined) return undefined;
  let fingerprint: string | undefined;
  return {
    key,
    ttlHours: deps.config.idempotencyKeyTtlHours,
    fingerprint() {
      if (!operation.fingerprint) throw new Error('Idempotency-Key used before the operation was resolved');
      return (fingerprint ??= operation.fingerprint());
    },
  };
}

/**
 * Reports, and every read of an analyst (de-identified, aggregate work), may be
 * served by the read replica; a clinician's reads and every read of a mutation
 * request stay on the primary (src/kernel/db/replica.ts).
 */
function readRouting(deps: AppDeps, viewer: Viewer, operation: RequestContext['operation']): SessionRouting {
  const replicas = deps.replicas;
  if (!replicas) return {};
  const analyst = viewer.roles.length > 0 && viewer.roles.every((role) => role === 'ANALYST');
  return {
    readDatabase: (purpose) =>
      replicas.databaseFor({ userId: viewer.userId, operationType: operation.type ?? null, mayBeStale: purpose === 'report' || analyst }),
    onWrite: () => replicas.noteWrite(viewer.userId),
  };
}

/**
 * The context of one request. Every request counts against its user's (or,
 * anonymous, its address's) request limit unless `countRequest` is false (the
 * events of an already counted subscription); past it: RATE_LIMITED, HTTP 429.
 */
export async function buildContext(
  deps: AppDeps,
  request: IncomingRequestInfo,
  options: { countRequest?: boolean } = {},
): Promise<RequestContext> {
  const requestId = requestIdOf(request.requestId);
  const viewer = await authenticateBearer(deps, request.authorization);
  if (options.countRequest !== false) {
    await deps.requestLimiter.consume(viewer ? { userId: viewer.userId } : { ip: request.ip });
  }
  // Built in one phase: the parts that must see what the request learns later share `operation`.
  const operation: RequestContext['operation'] = { name: null };
  const idempotency = idempotencyOf(deps, operation, request.idempotencyKey);
  const trace = request.trace ?? null;
  const session = viewer
    ? new TenantSession(
        deps.db,
        { organizationId: viewer.organizationId, userId: viewer.userId, requestId },
        deps.limits,
        () => operation.name,
        idempotency,
        { ...(trace ? { traceStatements: trace.statements } : {}), routing: readRouting(deps, viewer, operation), accessLog: deps.accessLog },
      )
    : null;
  return {
    requestId,
    deps,
    viewer,
    session,
    loaders: createLoaders(session, (size) => deps.metrics.loaderBatchSize.observe(size), trace?.batch),
    idempotency,
    client: { ip: request.ip, userAgent: request.userAgent, host: request.host ?? null },
    trace,
    operation,
  };
}
