import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The error codes a client may see in `extensions.code`. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TIMEOUT'
  /** Too many requests or sign-in failures: retry after `extensions.retryAfterSeconds` (HTTP 429, `Retry-After`). */
  | 'RATE_LIMITED'
  /** A write's connection died at COMMIT and whether it committed could not be learned: re-read, then decide. */
  | 'OUTCOME_UNKNOWN'
  /** Patients were read but the PHI access log refused the row: the data was withheld (an access that cannot be logged is not served). */
  | 'ACCESS_NOT_RECORDED'
  | 'INTERNAL_SERVER_ERROR';

/** An error the domain raises on purpose; its message is safe to show to clients. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const badInput = (message: string, field?: string, extra: Record<string, unknown> = {}) =>
  new DomainError('BAD_USER_INPUT', message, field ? { field, ...extra } : extra);
export const unauthenticated = (message = 'Authentication required: send Authorization: Bearer <access token>') =>
  new DomainError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const notFound = (entity: string, id?: string) =>
  new DomainError('NOT_FOUND', id ? `${entity} ${id} was not found` : `${entity} was not found`);
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new DomainError('CONFLICT', message, extra);
export const timeout = (message = 'The database did not answer within the query timeout; narrow the request and retry') =>
  new DomainError('TIMEOUT', message);

/**
 * A limit was reached: HTTP 429 with `Retry-After`. A plain GraphQLError (not a
 * DomainError) so Apollo takes the status and header from `extensions.http`
 * and strips them before the client sees the error.
 */
export function rateLimited(message: string, retryAfterMs: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(`${message}; retry after ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

/** PostgreSQL is down or restarting; the pool reconnects by itself, so retrying later works. */
export const databaseUnavailable = () =>
  new DomainError('INTERNAL_SERVER_ERROR', 'The database is unavailable at the moment; retry shortly', { retryable: true });

/** The answer of a request whose PHI access could not be logged: nothing it read leaves the server. */
export const accessNotRecorded = () =>
  new DomainError(
    'ACCESS_NOT_RECORDED',
    'Your access to patient records could not be written to the access log, so the data was withheld and the read rolled back; retry shortly, and tell your administrator if it persists',
    { retryable: true },
  );

/** Constraint names a repository translates into a precise message. */
export type ConstraintMessages = Record<string, () => DomainError>;

/**
 * Translates a PostgreSQL error into a DomainError so that constraint
 * violations never surface as INTERNAL_SERVER_ERROR. Unknown errors pass through
 * (and are masked by `formatError`).
 */
export function fromDatabaseError(error: unknown, constraints: ConstraintMessages = {}): unknown {
  if (error instanceof DomainError) return error;
  const e = error as { code?: string; constraint_name?: string; column_name?: string };
  const constraint = e.constraint_name;
  if (constraint && constraints[constraint]) return constraints[constraint]();
  switch (e.code) {
    case '57014': // query_canceled: statement_timeout
      return timeout();
    case '23505':
      return conflict('A record with the same unique value already exists', constraint ? { constraint } : {});
    case '23P01':
      return conflict('The change overlaps an existing record', constraint ? { constraint } : {});
    case '23503':
      return badInput('A referenced record does not exist in your organization', undefined, constraint ? { constraint } : {});
    case '23514':
      return badInput('A value is outside its allowed range', undefined, constraint ? { constraint } : {});
    case '23502':
      return badInput(`A required value is missing${e.column_name ? `: ${e.column_name}` : ''}`, e.column_name);
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
      return badInput('A value has the wrong format or is too long');
    case '40001':
    case '40P01':
      return conflict('A concurrent change collided with this one; retry');
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now
    case '08000':
    case '08001':
    case '08003':
    case '08006':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_ENDED':
    case 'CONNECTION_DESTROYED':
    case 'CONNECT_TIMEOUT':
      return databaseUnavailable();
    default:
      return error;
  }
}

const CLIENT_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TIMEOUT',
  'OUTCOME_UNKNOWN',
  'ACCESS_NOT_RECORDED',
  'RATE_LIMITED',
  // Produced by Apollo/graphql-js before any resolver runs; safe by construction.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'OPERATION_NOT_TRUSTED',
  // A subscription sent over HTTP (served over WebSocket only).
  'OPERATION_NOT_SUPPORTED',
]);

/**
 * Apollo's own request errors that carry no code (it would label them
 * INTERNAL_SERVER_ERROR): matched by their fixed message, given a client code
 * and a message that says what to do. Their HTTP status (400) is Apollo's.
 */
const APOLLO_REQUEST_ERRORS: Record<string, { code: string; message: string }> = {
  'provided sha does not match query': {
    code: 'BAD_REQUEST',
    message:
      'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent: send the lowercase hex SHA-256 of the exact query text, or send the hash alone',
  },
  'Unsupported persisted query version': {
    code: 'BAD_REQUEST',
    message: 'Only persisted query version 1 is supported: send extensions.persistedQuery.version = 1',
  },
};

/** Extra guidance on Apollo errors whose message is a protocol signal clients match on (kept as is). */
const APOLLO_HINTS: Record<string, string> = {
  PERSISTED_QUERY_NOT_FOUND:
    'The server does not know this hash: send the full query text with the same extensions.persistedQuery to register it',
};

/** True for errors a client caused (shown as they are, logged without a stack below error level). */
export const isClientCode = (code: unknown) => typeof code === 'string' && CLIENT_CODES.has(code);

/**
 * The one place errors are shaped for clients: domain and request errors keep
 * their message; anything else (SQL, bugs) becomes a generic internal error
 * carrying only the request id, so no SQL, stack trace or PHI leaks.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal: (error: unknown) => void = () => {},
  requestId?: string,
): GraphQLFormattedError {
  const original = unwrap(error);
  const mapped = fromDatabaseError(original);
  if (mapped instanceof DomainError) {
    return {
      message: mapped.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...mapped.extensions, ...(requestId ? { requestId } : {}) },
    };
  }
  const apollo = original instanceof GraphQLError && !original.path ? APOLLO_REQUEST_ERRORS[original.message] : undefined;
  if (apollo) {
    return { message: apollo.message, extensions: { code: apollo.code, ...(requestId ? { requestId } : {}) } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    const hint = APOLLO_HINTS[code];
    return { ...formatted, extensions: { ...extensions, ...(hint ? { hint } : {}), ...(requestId ? { requestId } : {}) } };
  }
  onInternal(original);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
  };
}

function unwrap(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError && current.originalError !== current) {
    current = current.originalError;
  }
  return current;
}
