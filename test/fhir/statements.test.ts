import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { seedPatientRecords } from '../helpers/patient-records.js';
import { COUNTING_STATEMENTS, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `patientEverything` (and the REST `$everything`) read a page as one keyset slice per table and at most one
 * batched look-up per slice: the statements a page costs depend on the record's shape, not on its size.
 */

let app: TestApp;
/** Each record in an organization of its own (the seed gives every patient the same MRN). */
const tokenOf = new Map<string, string>();
let small: string;
let large: string;
let rateLimited: TestApp;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  for (const name of ['small', 'large'] as const) {
    const org: TestOrganization = await createOrganization(app.admin, `fhir-${name}`);
    const tokens = await tokensByRole(app, org);
    const patient = (await seedPatientRecords(app, org, tokens)).Patient!;
    if (name === 'small') small = patient;
    else large = patient;
    tokenOf.set(patient, tokens.PHYSICIAN);
  }
  // The large record: a hundred more rows of every table.
  await app.admin`
    with e as (select id, organization_id, patient_id, provider_id from encounters where patient_id = ${large} limit 1),
         t as (select id from lab_tests where patient_id = ${large} limit 1),
         more as (insert into encounters (organization_id, patient_id, provider_id, encounter_type, status)
                  select organization_id, patient_id, provider_id, 'OUTPATIENT', 'COMPLETED' from e, generate_series(1, 100)),
         v as (insert into vital_signs (organization_id, patient_id, encounter_id, heart_rate, systolic_bp, diastolic_bp)
               select organization_id, patient_id, id, 70, 120, 80 from e, generate_series(1, 100)),
         p as (insert into problem_list (organization_id, patient_id, description, code, code_system)
               select organization_id, patient_id, 'Hypertension', 'I10', 'ICD-10' from e, generate_series(1, 100)),
         a as (insert into drug_allergies (organization_id, patient_id, allergen)
               select organization_id, patient_id, 'Drug ' || n from e, generate_series(1, 100) n),
         r as (insert into prescriptions (organization_id, patient_id, prescriber_id, medication_name, dosage, route, frequency)
               select organization_id, patient_id, provider_id, 'Amlodipine', '5 mg', 'ORAL', 'daily' from e, generate_series(1, 100)),
         l as (insert into lab_tests (organization_id, patient_id, ordered_by, test_name, test_code)
               select organization_id, patient_id, provider_id, 'Glucose', '2345-7' from e, generate_series(1, 100)),
         lr as (insert into lab_results (organization_id, lab_test_id, patient_id, analyte, result_value)
                select e.organization_id, t.id, e.patient_id, 'Glucose', '95' from e, t, generate_series(1, 100))
    insert into imaging_orders (organization_id, patient_id, ordered_by, modality, body_part)
    select organization_id, patient_id, provider_id, 'XRAY', 'Chest' from e, generate_series(1, 100)`;
  rateLimited = await createTestApp({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_SECONDS: '3600' });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await rateLimited?.close();
});

const EVERYTHING = `query($id: ID!) { patientEverything(id: $id, first: 1000) }`;

async function statementsOf(patientId: string): Promise<{ statements: number; resources: number }> {
  const token = tokenOf.get(patientId)!;
  await app.gql('{ me { userId } }', {}, token); // a warm viewer cache: authentication costs no statement
  const counter = app.api.deps.db.statements;
  const before = counter.count;
  const res = await app.gql(EVERYTHING, { id: patientId }, token);
  expect(res.errors).toBeUndefined();
  return { statements: counter.count - before, resources: res.data!.patientEverything.entry.length };
}

describe('statements of a $everything page', () => {
  it('are as many for a record of 900 more rows as for a small one', async () => {
    const one = await statementsOf(small);
    const many = await statementsOf(large);
    expect(many.resources).toBeGreaterThan(one.resources + 800);
    expect(many.statements).toBe(one.statements);
    // BEGIN, scope, patient, 8 slices, 2 batched look-ups, the access log row, COMMIT.
    expect(one.statements).toBeLessThanOrEqual(15);
  });
});

describe('the per-user request limit', () => {
  it('answers 429 with Retry-After as an OperationOutcome once the GraphQL limit is spent', async () => {
    const admin = await createOrganization(rateLimited.admin, 'fhir-limit');
    const { accessToken } = await login(rateLimited, admin.users.NURSE.email);
    const base = rateLimited.api.url.replace(/\/graphql$/, '/fhir/R4');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${base}/Patient/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${accessToken}` } });
      statuses.push(last.status);
      if (last.status === 429) break;
      await last.text();
    }
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const outcome = (await last!.json()) as { resourceType: string; issue: { code: string }[] };
    expect(outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'throttled' }] });
  });
});
