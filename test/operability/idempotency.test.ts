import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/kernel/config.js';
import { buildSchema } from '../../src/server.js';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { billingHelpers, CREATE_INVOICE, PAY } from '../billing/billing-fixtures.js';
import { createOrganization, login, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { operationFor, rootFields } from '../helpers/operations.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  // 20 concurrent requests share 5 connections: give the queue room on a busy machine.
  app = await createTestApp({ DATABASE_ACQUIRE_TIMEOUT_MS: '60000' });
  org = await createOrganization(app.admin, 'idem');
  other = await createOrganization(app.admin, 'idem-other');
  tokens = await tokensByRole(app, org);
  otherTokens = await tokensByRole(app, other);
});
afterAll(() => app.close());

const CREATE = `mutation Register($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId mrn lastName createdAt version } } }`;
const patient = (lastName: string) => ({ i: { firstName: 'Idem', lastName, dateOfBirth: '1980-04-02' } });
const key = () => `idem-${randomUUID()}`;
const header = (k: string) => ({ 'idempotency-key': k });

/** What a mutation writes (refused attempts add `mutation.refused` rows by design: not counted). */
async function counts(orgId = org.id) {
  const [row] = await app.admin<{ patients: number; audits: number; keys: number }[]>`
    select (select count(*)::int from ehr_patients where organization_id = ${orgId}) as patients,
           (select count(*)::int from audit_log where organization_id = ${orgId} and outcome = 'SUCCESS') as audits,
           (select count(*)::int from idempotency_keys where organization_id = ${orgId}) as keys`;
  return row!;
}

/** A response without the per-request parts (error request ids), for comparing an answer with its replay. */
function comparable(res: GraphQLResponse) {
  return {
    data: res.data,
    errors: res.errors?.map(({ extensions: { requestId: _requestId, ...extensions }, ...rest }) => ({ ...rest, extensions })),
  };
}

describe('Idempotency-Key on mutations', () => {
  it('20 concurrent identical requests with one key create exactly one patient, and all answer with it', async () => {
    const k = key();
    const before = await counts();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => app.gql(CREATE, patient('Concurrent'), tokens.FRONT_DESK, header(k))),
    );
    for (const res of answers) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const ids = new Set(answers.map((res) => res.data!.createPatient.patient.id));
    expect(ids.size).toBe(1);
    for (const res of answers) expect(res.data).toEqual(answers[0]!.data);
    const after = await counts();
    expect(after.patients - before.patients).toBe(1);
    expect(after.keys - before.keys).toBe(1);
    const rows = await app.admin`select 1 from ehr_patients where organization_id = ${org.id} and last_name = 'Concurrent'`;
    expect(rows).toHaveLength(1);
    const audit = await app.admin`select 1 from audit_log where action = 'patient.create' and entity_id = ${answers[0]!.data!.createPatient.patient.patientId}`;
    expect(audit).toHaveLength(1);
  });

  it('a repeat returns the stored result (DateTime included) and writes no row and no audit row', async () => {
    const k = key();
    const first = await app.gql(CREATE, patient('Repeat'), tokens.FRONT_DESK, header(k));
    expect(first.errors).toBeUndefined();
    expect(first.data!.createPatient.patient.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const before = await counts();
    // Same request, different formatting, comment and variable key order: the same fingerprint.
    const reformatted = `# retried after a timeout\nmutation Register( $i : CreatePatientInput! ) {\n  createPatient(input: $i) { patient { id patientId mrn lastName createdAt version } }\n}`;
    const again = await app.gql(reformatted, { i: { dateOfBirth: '1980-04-02', lastName: 'Repeat', firstName: 'Idem' } }, tokens.FRONT_DESK, header(k));
    expect(again).toEqual(first);
    expect(await counts()).toEqual(before);
    // The header as a structured-field string (the draft's form) names the same key.
    const quoted = await app.gql(CREATE, patient('Repeat'), tokens.FRONT_DESK, header(`"${k}"`));
    expect(quoted).toEqual(first);
    expect(await counts()).toEqual(before);
  });

  it('the same key with a different request is CONFLICT, naming the header, and writes nothing', async () => {
    const k = key();
    const first = await app.gql(CREATE, patient('Original'), tokens.FRONT_DESK, header(k));
    expect(first.errors).toBeUndefined();
    const before = await counts();
    const variables = await app.gql(CREATE, patient('Different'), tokens.FRONT_DESK, header(k));
    expect(variables.data).toBeNull();
    expect(variables.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', header: 'Idempotency-Key' });
    expect(variables.errors?.[0]?.message).toMatch(/already used .* different request.*new key/);
    const query = await app.gql(CREATE.replace('version', ''), patient('Original'), tokens.FRONT_DESK, header(k));
    expect(query.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const name = await app.gql(CREATE.replace('Register', 'RegisterAgain'), patient('Original'), tokens.FRONT_DESK, header(k));
    expect(name.errors?.[0]?.extensions.code).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it('a document with several mutation fields replays each of them', async () => {
    const TWO = `mutation($a: CreatePatientInput!, $b: CreatePatientInput!) {
      a: createPatient(input: $a) { patient { id createdAt } }
      b: createPatient(input: $b) { patient { id createdAt } }
    }`;
    const variables = { a: patient('First').i, b: patient('Second').i };
    const k = key();
    const first = await app.gql(TWO, variables, tokens.FRONT_DESK, header(k));
    expect(first.errors).toBeUndefined();
    expect(first.data!.a.patient.id).not.toBe(first.data!.b.patient.id);
    const before = await counts();
    const again = await app.gql(TWO, variables, tokens.FRONT_DESK, header(k));
    expect(again).toEqual(first);
    expect(await counts()).toEqual(before);
  });

  it('keys belong to one user of one organization', async () => {
    const k = key();
    const mine = await app.gql(CREATE, patient('Scoped'), tokens.FRONT_DESK, header(k));
    const colleague = await app.gql(CREATE, patient('Scoped'), tokens.ORG_ADMIN, header(k));
    const elsewhere = await app.gql(CREATE, patient('Scoped'), otherTokens.FRONT_DESK, header(k));
    for (const res of [mine, colleague, elsewhere]) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const ids = new Set([mine, colleague, elsewhere].map((res) => res.data!.createPatient.patient.id));
    expect(ids.size).toBe(3);
    const rows = await app.admin`select organization_id, user_id from idempotency_keys where key = ${k}`;
    expect(rows).toHaveLength(3);
  });

  it('an expired key counts as absent: the key works again for any request, and expired keys are cleaned up', async () => {
    const k = key();
    const stale = key();
    await app.gql(CREATE, patient('Expiring'), tokens.FRONT_DESK, header(k));
    await app.gql(CREATE, patient('Stale'), tokens.NURSE, header(stale));
    await app.admin`update idempotency_keys set expires_at = now() - interval '1 second' where key in ${app.admin([k, stale])}`;
    const before = await counts();
    const reused = await app.gql(CREATE, patient('Reused'), tokens.FRONT_DESK, header(k));
    expect(reused.errors).toBeUndefined();
    expect((await counts()).patients - before.patients).toBe(1);
    const [row] = await app.admin<{ live: boolean }[]>`select expires_at > now() + interval '23 hours' as live from idempotency_keys where key = ${k}`;
    expect(row!.live).toBe(true);
    // Claiming a new key removed the organization's expired keys, another user's included.
    expect(await app.admin`select 1 from idempotency_keys where key = ${stale}`).toHaveLength(0);
  });

  it('refuses a malformed header with BAD_USER_INPUT naming it, and writes nothing', async () => {
    const before = await counts();
    for (const bad of ['x'.repeat(256), '""', 'caf\u00e9']) {
      const res = await app.gql(CREATE, patient('Malformed'), tokens.FRONT_DESK, header(bad));
      expect(res.errors?.[0]?.extensions, bad).toMatchObject({ code: 'BAD_USER_INPUT', header: 'Idempotency-Key' });
      expect(res.errors?.[0]?.message).toContain('Idempotency-Key');
    }
    expect(await counts()).toEqual(before);
    // On a query the header is not used.
    const query = await app.gql(`{ me { userId } }`, {}, tokens.FRONT_DESK, header('x'.repeat(256)));
    expect(query.errors).toBeUndefined();
  });

  it('replays a billing mutation: createInvoice and recordPayment (money and dates) run once', async () => {
    const billing = billingHelpers(app);
    const patientId = await billing.createPatient(org);
    const k = key();
    const item = await billing.createItem(tokens.BILLING, { name: 'Consultation', unitPrice: '150.00', taxRatePercent: '0' });
    const items = [{ serviceCatalogItemId: item.id }];
    const first = await app.gql(CREATE_INVOICE, { i: { patientId, items } }, tokens.BILLING, header(k));
    expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
    const again = await app.gql(CREATE_INVOICE, { i: { patientId, items } }, tokens.BILLING, header(k));
    expect(again).toEqual(first);
    expect(await app.admin`select 1 from invoices where patient_id = ${patientId}`).toHaveLength(1);

    const invoice = await billing.issuedInvoice(tokens.BILLING, patientId, items);
    const pay = { i: { invoiceId: invoice.id, amount: '40.00', method: 'CASH' } };
    const paid = await app.gql(PAY, pay, tokens.BILLING, header(k.replace('idem', 'pay')));
    expect(paid.errors, JSON.stringify(paid.errors)).toBeUndefined();
    const repaid = await app.gql(PAY, pay, tokens.BILLING, header(k.replace('idem', 'pay')));
    expect(repaid).toEqual(paid);
    expect(repaid.data!.recordPayment.invoice.balanceDue).toBe('110.00');
    expect(await app.admin`select 1 from payments where invoice_id = ${invoice.invoiceId}`).toHaveLength(1);
    expect(await app.admin`select 1 from audit_log where action = 'payment.record' and entity_id = ${paid.data!.recordPayment.payment.paymentId}`).toHaveLength(1);
  });
});

describe('refreshSession with Idempotency-Key', () => {
  const REFRESH = `mutation Refresh($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken accessTokenExpiresAt user { email } } }`;
  const ME = `{ me { email } }`;

  it('a client that lost the answer gets the same tokens again, stored only encrypted', async () => {
    const session = await login(app, org.users.NURSE.email);
    const k = key();
    const answers = await Promise.all(Array.from({ length: 5 }, () => app.gql(REFRESH, { t: session.refreshToken }, undefined, header(k))));
    for (const res of answers) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    for (const res of answers) expect(res.data).toEqual(answers[0]!.data);
    const later = await app.gql(REFRESH, { t: session.refreshToken }, undefined, header(k));
    expect(later).toEqual(answers[0]);
    const tokensNow = answers[0]!.data!.refreshSession;
    // Nothing was revoked: the new tokens work, and the new refresh token rotates as usual.
    expect((await app.gql(ME, {}, tokensNow.accessToken)).data?.me.email).toBe(org.users.NURSE.email);
    const next = await app.gql(REFRESH, { t: tokensNow.refreshToken });
    expect(next.errors).toBeUndefined();
    const [row] = await app.admin<{ plaintext: boolean; sealed: boolean }[]>`
      select position(convert_to(${tokensNow.refreshToken}, 'UTF8') in rotation_result) > 0 as plaintext,
             rotation_result is not null as sealed
      from refresh_tokens where rotation_request is not null and user_id = ${org.users.NURSE.id}`;
    expect(row).toEqual({ plaintext: false, sealed: true });
  });

  it('without the key, or with another key, a used token is still reuse and revokes the family', async () => {
    for (const retry of [{}, header(key())]) {
      const session = await login(app, org.users.NURSE.email);
      const first = await app.gql(REFRESH, { t: session.refreshToken }, undefined, header(key()));
      expect(first.errors).toBeUndefined();
      const reuse = await app.gql(REFRESH, { t: session.refreshToken }, undefined, retry);
      expect(reuse.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      const revoked = await app.gql(REFRESH, { t: first.data!.refreshSession.refreshToken });
      expect(revoked.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('IDEMPOTENCY_KEY_TTL_HOURS', () => {
  it('defaults to 24 hours and refuses values outside 1 hour to a year', () => {
    expect(loadConfig({}).idempotencyKeyTtlHours).toBe(24);
    expect(loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '2' }).idempotencyKeyTtlHours).toBe(2);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: 'a day' })).toThrow(/IDEMPOTENCY_KEY_TTL_HOURS/);
  });
});

describe('every mutation accepts Idempotency-Key', () => {
  const schema = buildSchema();
  const mutations = rootFields(schema).filter((f) => f.kind === 'mutation' && f.field.name !== '_noop');
  const signIn = new Set(['login', 'logout', 'refreshSession']);

  it.each(mutations.map((m) => [m.field.name, m] as const))('%s', async (name, m) => {
    const { query, variables } = operationFor(m.field, 'mutation');
    const token = signIn.has(name) ? undefined : tokens.ORG_ADMIN;
    const k = key();
    const first = await app.gql(query, variables, token, header(k));
    for (const error of first.errors ?? []) {
      expect(error.extensions.header, JSON.stringify(error)).toBeUndefined();
      expect(error.message).not.toContain('Idempotency-Key');
      expect(error.extensions.code, JSON.stringify(error)).not.toBe('INTERNAL_SERVER_ERROR');
    }
    // A repeat answers as the first did (the stored result, or the same refusal again).
    const again = await app.gql(query, variables, token, header(k));
    expect(comparable(again)).toEqual(comparable(first));
  });
});
