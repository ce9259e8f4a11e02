import type { OperationOutcome } from '@medplum/fhirtypes';
import { GraphQLError } from 'graphql';
import { fromDatabaseError } from '../kernel/errors.js';

type IssueType = 'invalid' | 'login' | 'forbidden' | 'not-found' | 'throttled' | 'timeout' | 'exception' | 'not-supported';

/** Our error codes (extensions.code) → HTTP status and FHIR issue type. */
const BY_CODE: Record<string, { status: number; type: IssueType }> = {
  BAD_USER_INPUT: { status: 400, type: 'invalid' },
  UNAUTHENTICATED: { status: 401, type: 'login' },
  FORBIDDEN: { status: 403, type: 'forbidden' },
  NOT_FOUND: { status: 404, type: 'not-found' },
  RATE_LIMITED: { status: 429, type: 'throttled' },
  TIMEOUT: { status: 500, type: 'timeout' },
  ACCESS_NOT_RECORDED: { status: 500, type: 'exception' },
};

export interface FhirFailure {
  status: number;
  outcome: OperationOutcome;
  headers: Record<string, string>;
  /** Unexpected (not a client's error): logged with its cause, masked for the client. */
  internal: boolean;
}

export const operationOutcome = (type: IssueType, diagnostics: string, requestId: string): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: type, diagnostics: `${diagnostics} (request ${requestId})` }],
});

/**
 * Any failure as an OperationOutcome with its HTTP status: our errors keep their (safe) message, anything
 * else (SQL, bugs) is "Internal server error" with only the request id, as GraphQL's masking does.
 */
export function failureOf(error: unknown, requestId: string): FhirFailure {
  const mapped = fromDatabaseError(error);
  const code = mapped instanceof GraphQLError ? mapped.extensions.code : undefined;
  const known = typeof code === 'string' ? BY_CODE[code] : undefined;
  if (!known || !(mapped instanceof GraphQLError)) {
    return { status: 500, outcome: operationOutcome('exception', 'Internal server error', requestId), headers: {}, internal: true };
  }
  const retryAfter = mapped.extensions.retryAfterSeconds;
  return {
    status: known.status,
    outcome: operationOutcome(known.type, mapped.message, requestId),
    headers: typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {},
    internal: false,
  };
}
