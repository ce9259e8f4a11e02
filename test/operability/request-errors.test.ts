import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../src/kernel/errors.js';
import { collect, wsClient } from '../scheduling/helpers.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});
const logged = () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } });

let app: TestApp;
let org: TestOrganization;
let admin: string;

beforeAll(async () => {
  app = await createTestApp({}, { logger: pino({ level: 'debug' }, sink) });
  org = await createOrganization(app.admin, 'input');
  admin = (await login(app, org.users.ORG_ADMIN.email)).accessToken;
});
afterAll(() => app.close());

const post = async (body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(app.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

/** No log line at warn level or above, and no stack anywhere in the log. */
function expectQuietLogs() {
  const entries = logged();
  expect(entries.filter((e) => e.level >= 40).map((e) => e.msg)).toEqual([]);
  expect(lines.join('\n')).not.toMatch(/"stack"|\n\s+at /);
}

describe('input PostgreSQL cannot store (finding 2)', () => {
  it('is BAD_USER_INPUT naming the argument path, for anonymous and signed-in callers, variables and literals', async () => {
    lines.length = 0;
    const cases: [string, Record<string, unknown>, string | undefined, string][] = [
      ['mutation($input: LoginInput!) { login(input: $input) { accessToken } }', { input: { email: 'a\u0000@x.test', password: 'p' } }, undefined, 'input.email'],
      ['query($mrn: String!) { patientByMrn(mrn: $mrn) { id } }', { mrn: 'MRN\u0000' }, undefined, 'mrn'],
      ['query($n: String) { patients(first: 5, filter: { name: $n }) { edges { node { id } } } }', { n: '\u0000' }, undefined, 'filter.name'],
      ['query { patientByMrn(mrn: "x\\u0000y") { id } }', {}, admin, 'mrn'],
      ['query($n: String) { patients(first: 5, filter: { name: $n }) { edges { node { id } } } }', { n: 'ab\ud800' }, admin, 'filter.name'],
      ['mutation($i: CompleteTaskInput!) { completeTask(input: $i) { __typename } }', { i: { taskId: '00000000-0000-4000-8000-000000000000', formData: { deep: [{ note: 'ok' }, { note: 'x\u0000' }] } } }, admin, 'input.formData.deep.1.note'],
      ['mutation($i: CompleteTaskInput!) { completeTask(input: $i) { __typename } }', { i: { taskId: '00000000-0000-4000-8000-000000000000', formData: { 'k\u0000': 1 } } }, admin, 'input.formData.k?'],
      // A nested field's arguments are checked too, through fragments.
      ['query($n: String) { ...F } fragment F on Query { me { email } patients(first: 1, filter: { name: $n }) { totalCount } }', { n: '\udc00' }, admin, 'filter.name'],
    ];
    for (const [query, variables, token, field] of cases) {
      const res = await post({ query, variables }, token ? { authorization: `Bearer ${token}` } : {});
      expect(res.body.errors?.[0]?.extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.status).toBe(400);
      expect(res.body.data ?? null).toBeNull();
    }
    expectQuietLogs();
  });

  it('writes nothing: a patient with a NUL or a lone surrogate in any text field is refused before any resolver', async () => {
    const before = await app.admin`select count(*)::int as n from ehr_patients`;
    for (const firstName of ['Ann\u0000', 'Ann\ud83d']) {
      const res = await post(
        {
          query: 'mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }',
          variables: { i: { firstName, lastName: 'Lee', dateOfBirth: '1980-01-01', mrn: `M-${firstName.length}` } },
        },
        { authorization: `Bearer ${admin}` },
      );
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.firstName' });
    }
    expect(await app.admin`select count(*)::int as n from ehr_patients`).toEqual(before);
    // A well-formed surrogate pair (an emoji) is fine.
    const ok = await post(
      {
        query: 'mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { firstName } } }',
        variables: { i: { firstName: 'Ann 😀', lastName: 'Lee', dateOfBirth: '1980-01-01', mrn: 'M-EMOJI' } },
      },
      { authorization: `Bearer ${admin}` },
    );
    expect(ok.body.data?.createPatient.patient.firstName).toBe('Ann 😀');
  });
});

describe('input PostgreSQL cannot store, over WebSocket (finding 2)', () => {
  it('a subscription variable with a NUL is the same BAD_USER_INPUT naming the argument', async () => {
    lines.length = 0;
    const client = wsClient(app.api, { authorization: `Bearer ${admin}` });
    const sub = collect(client, 'subscription($d: ID!) { opdQueueUpdated(departmentId: $d) { __typename } }', { d: 'dep\u0000' });
    await sub.ended();
    await client.dispose();
    const errors = sub.errors.flat() as { extensions: Record<string, unknown> }[];
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'departmentId' }) })]);
    expect(errors[0]!.extensions).not.toHaveProperty('http');
    expectQuietLogs();
  });
});

describe('logging of client and internal errors (finding 2)', () => {
  it('client errors of every kind log no stack and nothing at warn or error level', async () => {
    lines.length = 0;
    await post({ query: '{ nope }' });
    await post({ query: '{ me { email ' });
    await post({ query: 'query($n: Int!) { patients(first: $n) { totalCount } }', variables: { n: 'x' } }, { authorization: `Bearer ${admin}` });
    await post({ query: '{ patient(id: "not-an-id") { id } }' }, { authorization: `Bearer ${admin}` });
    await post({ query: '{ me { email } }' });
    expect(logged().filter((e) => e.msg === 'graphql request')).toHaveLength(5);
    expectQuietLogs();
  });

  it('only a genuine internal error is masked and reported (with its stack) to the error log', () => {
    const internal: unknown[] = [];
    const masked = formatError({ message: 'relation "x" does not exist' }, new Error('relation "x" does not exist'), (e) => internal.push(e));
    expect(masked).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect((internal[0] as Error).stack).toMatch(/relation "x"/);
    for (const code of ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND']) {
      const shown = formatError({ message: 'm', extensions: { code, stacktrace: ['at x'] } }, new Error('m'), (e) => internal.push(e));
      expect(shown.extensions).toMatchObject({ code });
      expect(shown.extensions).not.toHaveProperty('stacktrace');
    }
    expect(internal).toHaveLength(1);
  });
});

describe("Apollo's own request errors keep their codes (findings 3 and 4)", () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const query = '{ health { status } }';

  it('a persisted query with a hash that does not match is a 400 BAD_REQUEST saying what to send', async () => {
    lines.length = 0;
    const res = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(res.body.errors[0].message).toMatch(/sha256Hash is not the SHA-256 of the query/);
    expectQuietLogs();
  });

  it('an unsupported persisted query version is a 400 BAD_REQUEST naming the supported version', async () => {
    lines.length = 0;
    const res = await post({ query, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(query) } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/version = 1/) });
    expectQuietLogs();
  });

  it('an unknown hash stays PERSISTED_QUERY_NOT_FOUND (the APQ protocol signal) with a hint', async () => {
    lines.length = 0;
    const res = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ unknown }') } } });
    expect(res.body.errors[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', hint: expect.stringMatching(/send the full query text/) },
    });
    expectQuietLogs();
  });

  it('a subscription over HTTP POST is a 400 OPERATION_NOT_SUPPORTED naming the WebSocket endpoint', async () => {
    lines.length = 0;
    const res = await post(
      {
        query: 'subscription($d: ID!) { opdQueueUpdated(departmentId: $d) { __typename } }',
        variables: { d: '00000000-0000-4000-8000-000000000000' },
      },
      { authorization: `Bearer ${admin}` },
    );
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors[0].extensions.code).toBe('OPERATION_NOT_SUPPORTED');
    const host = new URL(app.api.url).host;
    expect(res.body.errors[0].message).toContain(`ws://${host}/graphql`);
    expect(res.body.errors[0].message).toContain('graphql-ws');
    expectQuietLogs();
  });
});

describe('x-request-id (issue 14)', () => {
  it('is echoed (or assigned) on every HTTP answer: GraphQL, errors, health, metrics, 404, 413, bad JSON, preflight', async () => {
    const base = app.api.url.replace(/\/graphql$/, '');
    const id = 'req-1234567890';
    const requests: [string, RequestInit][] = [
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ health { status } }' }) }],
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ nope }' }) }],
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }],
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(app.api.deps.config.limits.maxBodyBytes + 1) }],
      ['/graphql', { method: 'OPTIONS', headers: { origin: 'http://elsewhere.test', 'access-control-request-method': 'POST' } }],
      ['/healthz', {}],
      ['/readyz', {}],
      ['/metrics', {}],
      ['/nowhere', {}],
    ];
    for (const [path, init] of requests) {
      const echoed = await fetch(base + path, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-request-id': id } });
      await echoed.arrayBuffer();
      expect(echoed.headers.get('x-request-id'), `${init.method ?? 'GET'} ${path}`).toBe(id);
      const assigned = await fetch(base + path, init);
      await assigned.arrayBuffer();
      expect(assigned.headers.get('x-request-id'), `${init.method ?? 'GET'} ${path}`).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The GraphQL error carries the same id as the header, so a client report finds the log line.
    const res = await post({ query: '{ nope }' }, { 'x-request-id': id });
    expect(res.body.errors[0].extensions.requestId).toBe(id);
    // An unsafe id is replaced, never echoed.
    const unsafe = await post({ query: '{ health { status } }' }, { 'x-request-id': 'bad id with spaces' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
