import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import {
  badInput,
  conflict,
  DomainError,
  formatError,
  fromDatabaseError,
  isClientCode,
  notFound,
  rateLimited,
  timeout,
  unauthenticated,
} from './errors.js';

describe('domain errors', () => {
  it('carry their code in extensions, where it cannot be overridden', () => {
    const error = new DomainError('CONFLICT', 'taken', { code: 'SOMETHING_ELSE', constraint: 'x' });
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.code).toBe('CONFLICT');
    expect(error.extensions).toEqual({ code: 'CONFLICT', constraint: 'x' });
  });

  it('badInput names the field only when given', () => {
    expect(badInput('bad', 'email').extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(badInput('bad').extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(badInput('bad', undefined, { constraint: 'c' }).extensions).toEqual({ code: 'BAD_USER_INPUT', constraint: 'c' });
  });

  it('notFound names the entity and, when given, the id', () => {
    expect(notFound('Patient', 'abc').message).toBe('Patient abc was not found');
    expect(notFound('Patient').message).toBe('Patient was not found');
    expect(notFound('Patient').code).toBe('NOT_FOUND');
  });

  it('unauthenticated tells the client how to authenticate', () => {
    expect(unauthenticated()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/Authorization: Bearer/) });
  });

  it('rateLimited rounds the wait up to whole seconds, at least one, for Retry-After', () => {
    const error = rateLimited('Too many sign-in attempts', 1001);
    expect(error.message).toBe('Too many sign-in attempts; retry after 2 s');
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 2, http: { status: 429 } });
    const headers = (error.extensions.http as { headers: Map<string, string> }).headers;
    expect(headers.get('retry-after')).toBe('2');
    expect(rateLimited('x', 0).extensions.retryAfterSeconds).toBe(1);
    expect(rateLimited('x', 3000).extensions.retryAfterSeconds).toBe(3);
  });
});

describe('fromDatabaseError', () => {
  it.each([
    ['23505', 'CONFLICT', 'A record with the same unique value already exists'],
    ['23P01', 'CONFLICT', 'The change overlaps an existing record'],
    ['23503', 'BAD_USER_INPUT', 'A referenced record does not exist in your organization'],
    ['23514', 'BAD_USER_INPUT', 'A value is outside its allowed range'],
    ['22P02', 'BAD_USER_INPUT', 'A value has the wrong format or is too long'],
    ['22001', 'BAD_USER_INPUT', 'A value has the wrong format or is too long'],
    ['40001', 'CONFLICT', 'A concurrent change collided with this one; retry'],
    ['40P01', 'CONFLICT', 'A concurrent change collided with this one; retry'],
    ['57014', 'TIMEOUT', timeout().message],
  ])('maps SQLSTATE %s to %s', (code, expected, message) => {
    const mapped = fromDatabaseError({ code });
    expect(mapped).toBeInstanceOf(DomainError);
    expect(mapped).toMatchObject({ code: expected, message });
  });

  it('names the violated constraint, and a missing column as the field', () => {
    expect((fromDatabaseError({ code: '23505', constraint_name: 'users_email_key' }) as DomainError).extensions).toEqual({
      code: 'CONFLICT',
      constraint: 'users_email_key',
    });
    expect((fromDatabaseError({ code: '23502', column_name: 'mrn' }) as DomainError).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'mrn' });
    expect((fromDatabaseError({ code: '23502' }) as DomainError).message).toBe('A required value is missing');
  });

  it('prefers the caller’s message for a known constraint', () => {
    const precise = () => conflict('That MRN is taken');
    expect(fromDatabaseError({ code: '23505', constraint_name: 'patients_mrn_key' }, { patients_mrn_key: precise })).toMatchObject({
      message: 'That MRN is taken',
    });
    expect(fromDatabaseError({ code: '23505', constraint_name: 'other' }, { patients_mrn_key: precise })).toMatchObject({
      message: 'A record with the same unique value already exists',
    });
  });

  it.each(['57P01', '57P03', '08006', 'ECONNREFUSED', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT'])(
    'calls %s a retryable unavailability',
    (code) => {
      expect(fromDatabaseError({ code })).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: true },
      });
    },
  );

  it('passes domain errors and unknown errors through untouched', () => {
    const domain = badInput('x');
    expect(fromDatabaseError(domain)).toBe(domain);
    const bug = new TypeError('undefined is not a function');
    expect(fromDatabaseError(bug)).toBe(bug);
    const sql = { code: '42P01', message: 'relation "secret_table" does not exist' };
    expect(fromDatabaseError(sql)).toBe(sql);
  });
});

describe('isClientCode', () => {
  it('knows the codes a client causes', () => {
    for (const code of ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'GRAPHQL_VALIDATION_FAILED']) expect(isClientCode(code)).toBe(true);
    for (const code of ['INTERNAL_SERVER_ERROR', 'bad_user_input', undefined, 42]) expect(isClientCode(code)).toBe(false);
  });
});

/** What graphql-js hands formatError for an error thrown in a resolver at `patient.name`. */
function fromResolver(original: Error): { formatted: GraphQLFormattedError; error: GraphQLError } {
  const error = new GraphQLError(original.message, { path: ['patient', 'name'], originalError: original });
  return {
    error,
    formatted: { message: original.message, path: ['patient', 'name'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at secret.ts:1'] } },
  };
}

describe('formatError', () => {
  it('masks an unexpected error to a generic one carrying the request id, and reports the original', () => {
    const onInternal = vi.fn();
    const bug = Object.assign(new Error('relation "ehr_patients" does not exist'), { code: '42P01' });
    const { formatted, error } = fromResolver(bug);
    const shown = formatError(formatted, error, onInternal, 'req-1');
    expect(shown).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['patient', 'name'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1' },
    });
    expect(JSON.stringify(shown)).not.toMatch(/ehr_patients|secret\.ts/);
    expect(onInternal).toHaveBeenCalledWith(bug);
  });

  it('keeps a domain error’s message and extensions', () => {
    const onInternal = vi.fn();
    const { formatted, error } = fromResolver(badInput('email must be a valid email address', 'email'));
    expect(formatError(formatted, error, onInternal, 'req-2')).toEqual({
      message: 'email must be a valid email address',
      locations: [{ line: 1, column: 3 }],
      path: ['patient', 'name'],
      extensions: { code: 'BAD_USER_INPUT', field: 'email', requestId: 'req-2' },
    });
    expect(onInternal).not.toHaveBeenCalled();
  });

  it('turns a constraint violation that reached the top into its client error', () => {
    const violation = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
      constraint_name: 'users_email_key',
    });
    const { formatted, error } = fromResolver(violation);
    expect(formatError(formatted, error)).toMatchObject({
      message: 'A record with the same unique value already exists',
      extensions: { code: 'CONFLICT', constraint: 'users_email_key' },
    });
  });

  it('keeps request errors with a client code, without stack trace or HTTP details', () => {
    const formatted: GraphQLFormattedError = {
      message: 'Cannot query field "nme" on type "Patient".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at validate'], http: { status: 400 } },
    };
    expect(formatError(formatted, new GraphQLError(formatted.message), undefined, 'req-3')).toEqual({
      message: 'Cannot query field "nme" on type "Patient".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: 'req-3' },
    });
  });

  it('adds a hint to PERSISTED_QUERY_NOT_FOUND, keeping its message', () => {
    const formatted: GraphQLFormattedError = { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } };
    const shown = formatError(formatted, new GraphQLError('PersistedQueryNotFound'));
    expect(shown.message).toBe('PersistedQueryNotFound');
    expect(shown.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND', hint: expect.stringMatching(/send the full query text/) });
  });

  it('gives Apollo’s code-less request errors a client code and a message that says what to do', () => {
    const formatted: GraphQLFormattedError = { message: 'provided sha does not match query', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    expect(formatError(formatted, new GraphQLError('provided sha does not match query'))).toEqual({
      message: expect.stringMatching(/SHA-256 of the exact query text/),
      extensions: { code: 'BAD_REQUEST' },
    });
    // The same text thrown by a resolver (it has a path) is not Apollo's and stays masked.
    const { formatted: f2, error } = fromResolver(new Error('provided sha does not match query'));
    expect(formatError(f2, error).message).toBe('Internal server error');
  });

  it('masks an error whose formatted code is not a client code', () => {
    const formatted: GraphQLFormattedError = { message: 'boom', extensions: { code: 'SOMETHING_INTERNAL' } };
    expect(formatError(formatted, new Error('boom'))).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
