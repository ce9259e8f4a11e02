import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await createTestApp({}, { logger: pino({ level: 'debug' }, sink) });
  const org = await createOrganization(app.admin, 'north');
  token = (await login(app, org.users.FRONT_DESK.email)).accessToken;
});
afterAll(() => app.close());

describe('request logs', () => {
  it('log request id, operation, duration, outcome and error codes, but no PHI and no variables', async () => {
    lines.length = 0;
    const phi = { firstName: 'Wanjiru', lastName: 'Kariuki-Sentinel', dateOfBirth: '1977-07-17', mrn: 'PHI-77177', phone: '+254 711 222 333', email: 'wanjiru@example.test' };
    const created = await app.gql(
      `mutation RegisterPatient($i: CreatePatientInput!) { createPatient(input: $i) { patient { id firstName lastName mrn dateOfBirth } } }`,
      { i: phi },
      token,
    );
    expect(created.data?.createPatient.patient.mrn).toBe('PHI-77177');
    const read = await app.gql(`query FindPatient($mrn: String!) { patientByMrn(mrn: $mrn) { firstName phone email } }`, { mrn: 'PHI-77177' }, token);
    expect(read.data?.patientByMrn.firstName).toBe('Wanjiru');
    const refused = await app.gql(`mutation BadDob($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`, { i: { ...phi, mrn: 'PHI-2', dateOfBirth: '2999-01-01' } }, token);
    expect(refused.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');

    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'graphql request');
    expect(requests.map((r) => r.operation)).toEqual(expect.arrayContaining(['RegisterPatient', 'FindPatient', 'BadDob']));
    const register = requests.find((r) => r.operation === 'RegisterPatient');
    expect(register).toMatchObject({ outcome: 'ok', requestId: expect.any(String), durationMs: expect.any(Number) });
    expect(requests.find((r) => r.operation === 'BadDob')).toMatchObject({ outcome: 'error', errorCodes: ['BAD_USER_INPUT'] });

    const everything = lines.join('\n');
    for (const value of ['Wanjiru', 'Kariuki-Sentinel', '1977-07-17', 'PHI-77177', '711 222 333', 'wanjiru@example.test', '2999-01-01']) {
      expect(everything, value).not.toContain(value);
    }
  });

  it('exposes request, error, loader, SQL and pool metrics at /metrics', async () => {
    await app.gql(`query Summary { patients(first: 5) { edges { node { id } } } }`, {}, token);
    const text = await (await fetch(app.api.metricsUrl)).text();
    expect(text).toMatch(/graphql_requests_total\{operation="Summary",outcome="ok"\} 1/);
    expect(text).toMatch(/graphql_request_duration_seconds_bucket\{le="[^"]+",operation="Summary",outcome="ok"\}/);
    expect(text).toMatch(/graphql_errors_total\{code="BAD_USER_INPUT"\} \d/);
    // Each request's loaders report their batches to this app's metrics (no process-wide observer).
    const batches = (metrics: string) => Number(/^dataloader_batch_size_count (\d+)$/m.exec(metrics)?.[1] ?? NaN);
    const before = batches(text);
    const created = await app.gql(
      `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`,
      { i: { mrn: 'MET-1', firstName: 'Metric', lastName: 'Batch', dateOfBirth: '1980-01-01' } },
      token,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data?.createPatient.patient.id;
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Patient { lastName } } }`, { id }, token);
    expect(read.data?.node.lastName).toBe('Batch');
    expect(batches(await (await fetch(app.api.metricsUrl)).text())).toBeGreaterThan(before);
    expect(text).toMatch(/sql_statements_total [1-9]\d*/);
    expect(text).toMatch(/db_pool_max_connections 5/);
    expect(text).toMatch(/db_transaction_duration_seconds_count\{kind="read"\} [1-9]/);
  });
});
