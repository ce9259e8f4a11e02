import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { login } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';

const MOBILE_SUMMARY = readFileSync(new URL('../../bench/scenarios/mobile-summary.graphql', import.meta.url), 'utf8');

let app: TestApp;
let token: string;
let userId: string;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  await seedSyntheticData(app.admin, { patients: 420 });
  // The first patient by name has every kind of nested record, so page size 1 exercises the whole shape.
  await app.admin`
    with org as (select id from organizations where slug = 'northwind'),
         doc as (select u.id from users u, org where u.organization_id = org.id and u.email = 'physician@northwind.example'),
         p as (insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
               select org.id, 'AAA-0001', 'Aaron', 'Aaberg', '1960-02-02' from org returning id, organization_id),
         e as (insert into encounters (organization_id, patient_id, provider_id, encounter_type, status)
               select p.organization_id, p.id, doc.id, 'OUTPATIENT', 'COMPLETED' from p, doc returning id, patient_id, organization_id),
         v as (insert into vital_signs (organization_id, patient_id, encounter_id, heart_rate)
               select organization_id, patient_id, id, 72 from e returning id),
         a as (insert into drug_allergies (organization_id, patient_id, allergen, severity)
               select p.organization_id, p.id, 'Penicillin', 'SEVERE' from p returning id),
         pr as (insert into problem_list (organization_id, patient_id, description)
                select p.organization_id, p.id, 'Hypertension' from p returning id),
         rx as (insert into prescriptions (organization_id, patient_id, prescriber_id, medication_name, dosage, route, frequency)
                select p.organization_id, p.id, doc.id, 'Amlodipine', '5 mg', 'ORAL', 'once daily' from p, doc returning id),
         inv as (insert into invoices (organization_id, invoice_number, invoice_seq, patient_id, status, currency, subtotal,
                                       discount_total, tax_total, total, amount_paid, amount_refunded, balance_due, issued_at, due_date)
                 select p.organization_id, 'INV-TEST-1', 999999, p.id, 'PARTIALLY_PAID', 'USD', 100, 0, 0, 100, 40, 0, 60,
                        now(), current_date + 30 from p returning id, patient_id, organization_id)
    insert into payments (organization_id, invoice_id, patient_id, amount, method, kind, status, received_at)
    select organization_id, id, patient_id, 40, 'CASH', 'PAYMENT', 'COMPLETED', now() from inv`;
  const session = await login(app, 'physician@northwind.example', DEMO_PASSWORD);
  token = session.accessToken;
  userId = (await app.gql(`{ me { userId } }`, {}, token)).data!.me.userId;
}, 180_000);
afterAll(() => app.close());

/** Runs the summary and returns how many SQL statements postgres.js sent for it. */
async function countStatements(first: number) {
  app.api.deps.viewerCache.forget(userId); // same authentication work for every measured request
  const counter = app.api.deps.db.statements;
  const before = counter.count;
  counter.capture = [];
  const res = await app.gql(MOBILE_SUMMARY, { first }, token);
  const labels = counter.capture.map((q) => /\/\* (\w+)/.exec(q)?.[1] ?? q.trim().split(/\s+/).slice(0, 2).join(' '));
  counter.capture = undefined;
  expect(res.errors).toBeUndefined();
  return { statements: counter.count - before, labels, patients: res.data!.patients.edges };
}

describe('nested mobile patient summary', () => {
  it('issues the same number of SQL statements for 1, 20 and 200 patients', async () => {
    const one = await countStatements(1);
    const twenty = await countStatements(20);
    const twoHundred = await countStatements(200);
    expect(one.patients).toHaveLength(1);
    expect(twenty.patients).toHaveLength(20);
    expect(twoHundred.patients).toHaveLength(200);
    // The data is really nested: many patients have encounters with vitals, allergies and prescriptions.
    const nested = twoHundred.patients.filter((e: any) => e.node.encounters.edges.some((x: any) => x.node.vitalSigns.length > 0));
    expect(nested.length).toBeGreaterThan(50);
    expect(twoHundred.patients.some((e: any) => e.node.allergies.length > 0)).toBe(true);
    expect(twoHundred.patients.some((e: any) => e.node.prescriptions.length > 0)).toBe(true);
    expect(twoHundred.patients.every((e: any) => e.node.encounters.edges.length <= 5)).toBe(true);
    console.log(`statements per request: 1 → ${one.statements}, 20 → ${twenty.statements}, 200 → ${twoHundred.statements}`);
    expect(twenty.labels).toEqual(one.labels);
    expect(twoHundred.labels).toEqual(one.labels);
    expect(twenty.statements).toBe(one.statements);
    expect(twoHundred.statements).toBe(one.statements);
  });
});
