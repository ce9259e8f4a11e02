import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';

/**
 * The plain lists that take `first` apply it per parent, inside the one batch
 * statement: two patients with three records of every kind each, and every
 * encounter, invoice, payment, lab test and note with three children.
 */
let app: TestApp;
let org: TestOrganization;
let token: string;
let userId: string;
const PER_PARENT = 3;
/** How many items each parent holds: an invoice's `payments` lists its 3 payments and their 3 × 3 refunds. */
const full = (field: string) => (field === 'payments' ? PER_PARENT + PER_PARENT * PER_PARENT : PER_PARENT);

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  org = await createOrganization(app.admin, 'bounded');
  const o = org.id;
  const doc = org.users.PHYSICIAN.id;
  for (const [i, name] of ['Abbott', 'Babbage'].entries()) {
    const [p] = await app.admin<{ id: string }[]>`
      insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
      values (${o}, ${`BND-0000${i}`}, 'Test', ${name}, '1970-01-01') returning id`;
    const pid = p!.id;
    const [e] = await app.admin<{ id: string }[]>`
      insert into encounters (organization_id, patient_id, provider_id, encounter_type, status)
      values (${o}, ${pid}, ${doc}, 'OUTPATIENT', 'COMPLETED') returning id`;
    const eid = e!.id;
    const n = PER_PARENT;
    await app.admin`
      insert into vital_signs (organization_id, patient_id, encounter_id, heart_rate, recorded_at)
      select ${o}, ${pid}, ${eid}, 60 + g, now() - g * interval '1 minute' from generate_series(1, ${n}) g`;
    await app.admin`insert into drug_allergies (organization_id, patient_id, allergen) select ${o}, ${pid}, 'Allergen ' || g from generate_series(1, ${n}) g`;
    await app.admin`insert into problem_list (organization_id, patient_id, encounter_id, description) select ${o}, ${pid}, ${eid}, 'Problem ' || g from generate_series(1, ${n}) g`;
    await app.admin`
      insert into prescriptions (organization_id, patient_id, encounter_id, prescriber_id, medication_name, dosage, route, frequency)
      select ${o}, ${pid}, ${eid}, ${doc}, 'Drug ' || g, '5 mg', 'ORAL', 'daily' from generate_series(1, ${n}) g`;
    const notes = await app.admin<{ id: string }[]>`
      insert into clinical_notes (organization_id, patient_id, encounter_id, author_id, note_type, body)
      select ${o}, ${pid}, ${eid}, ${doc}, 'PROGRESS', 'Note ' || g from generate_series(1, ${n}) g returning id`;
    await app.admin`
      insert into clinical_notes (organization_id, patient_id, author_id, note_type, body, amends_note_id)
      select ${o}, ${pid}, ${doc}, 'PROGRESS', 'Amendment ' || g, n.id from generate_series(1, ${n}) g, unnest(${notes.map((x) => x.id)}::uuid[]) n(id)`;
    const tests = await app.admin<{ id: string }[]>`
      insert into lab_tests (organization_id, patient_id, encounter_id, ordered_by, test_name)
      select ${o}, ${pid}, ${eid}, ${doc}, 'Test ' || g from generate_series(1, ${n}) g returning id`;
    await app.admin`
      insert into lab_results (organization_id, lab_test_id, patient_id, analyte, result_value)
      select ${o}, t.id, ${pid}, 'Analyte ' || g, '1' from generate_series(1, ${n}) g, unnest(${tests.map((x) => x.id)}::uuid[]) t(id)`;
    await app.admin`
      insert into imaging_orders (organization_id, patient_id, encounter_id, ordered_by, modality, body_part)
      select ${o}, ${pid}, ${eid}, ${doc}, 'XRAY', 'Chest ' || g from generate_series(1, ${n}) g`;
    await app.admin`
      insert into anatomy_findings (organization_id, patient_id, encounter_id, body_system_id, finding)
      select ${o}, ${pid}, ${eid}, (select id from body_systems order by id limit 1), 'Finding ' || g from generate_series(1, ${n}) g`;
    const invoices = await app.admin<{ id: string }[]>`
      insert into invoices (organization_id, invoice_number, invoice_seq, patient_id, encounter_id, status, currency, subtotal,
                            discount_total, tax_total, total, amount_paid, amount_refunded, balance_due, issued_at, due_date)
      select ${o}, 'INV-' || ${i} || '-' || g, ${i * 10} + g, ${pid}, ${eid}, 'PARTIALLY_PAID', 'USD', 100, 0, 0, 100, 30, 0, 70,
             now(), current_date + 30
      from generate_series(1, ${n}) g returning id`;
    const payments = await app.admin<{ id: string }[]>`
      insert into payments (organization_id, invoice_id, patient_id, amount, method, kind, status, refunded_amount)
      select ${o}, inv.id, ${pid}, 10, 'CASH', 'PAYMENT', 'COMPLETED', 3
      from generate_series(1, ${n}) g, unnest(${invoices.map((x) => x.id)}::uuid[]) inv(id) returning id, invoice_id`;
    await app.admin`
      insert into payments (organization_id, invoice_id, patient_id, amount, method, kind, status, refund_of_payment_id)
      select ${o}, p.invoice_id, ${pid}, 1, 'CASH', 'REFUND', 'COMPLETED', p.id
      from generate_series(1, ${n}) g, payments p where p.id = any(${payments.map((x) => x.id)}::uuid[])`;
  }
  const session = await login(app, org.users.ORG_ADMIN.email);
  token = session.accessToken;
  userId = org.users.ORG_ADMIN.id;
}, 120_000);
afterAll(() => app.close());

const QUERY = `query($first: Int) {
  patients(first: 10, orderBy: { field: NAME, direction: ASC }) { edges { node {
    allergies(first: $first) { id }
    problems(first: $first) { id }
    prescriptions(first: $first) { id }
    labTests(first: $first) { id results(first: $first) { id } }
    imagingOrders(first: $first) { id }
    anatomyFindings(first: $first) { id }
    encounters(first: 5) { edges { node {
      vitalSigns(first: $first) { id }
      notes(first: $first) { id amendments(first: $first) { id } }
      problems(first: $first) { id }
      prescriptions(first: $first) { id }
      labTests(first: $first) { id }
      imagingOrders(first: $first) { id }
      anatomyFindings(first: $first) { id }
      invoices(first: $first) { id payments(first: $first) { id refunds(first: $first) { id } } }
    } } }
  } } } }`;

const LIST_FIELDS = [
  'allergies', 'problems', 'prescriptions', 'labTests', 'results', 'imagingOrders', 'anatomyFindings',
  'vitalSigns', 'notes', 'amendments', 'invoices', 'payments', 'refunds',
];

/** Every length of every bounded list in the response, by field name. */
function listLengths(value: unknown, out = new Map<string, number[]>()): Map<string, number[]> {
  if (Array.isArray(value)) for (const v of value) listLengths(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (Array.isArray(v) && LIST_FIELDS.includes(k)) out.set(k, [...(out.get(k) ?? []), v.length]);
      listLengths(v, out);
    }
  }
  return out;
}

async function run(first: number | undefined) {
  app.api.deps.viewerCache.forget(userId);
  const counter = app.api.deps.db.statements;
  const before = counter.count;
  const res = await app.gql(QUERY, first === undefined ? {} : { first }, token);
  return { res, statements: counter.count - before };
}

describe('bounded plain lists: `first` per parent, in one statement per batch', () => {
  it.each([1, 2, 3, 1000])('first: %i gives every parent min(first, its items) items', async (first) => {
    const { res } = await run(first);
    expect(res.errors).toBeUndefined();
    const lengths = listLengths(res.data);
    expect([...lengths.keys()].sort()).toEqual([...LIST_FIELDS].sort());
    for (const [field, counts] of lengths) {
      // Every parent that has children has exactly min(first, its count); refunds have no refunds, amendments no amendments.
      expect(counts.filter((c) => c > 0), field).not.toHaveLength(0);
      for (const c of counts.filter((c) => c > 0)) expect(c, field).toBe(Math.min(first, full(field)));
    }
    // Two patients: per-parent limits, not one limit for the batch.
    expect(lengths.get('allergies')).toEqual([Math.min(first, PER_PARENT), Math.min(first, PER_PARENT)]);
  });

  it('defaults to 100 when first is omitted', async () => {
    const { res } = await run(undefined);
    expect(res.errors).toBeUndefined();
    for (const [field, counts] of listLengths(res.data)) for (const c of counts.filter((c) => c > 0)) expect(c, field).toBe(full(field));
  });

  it.each([1001, -1])('first: %i is BAD_USER_INPUT naming first', async (first) => {
    const { res } = await run(first);
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const error of res.errors!) {
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain('first');
    }
  });

  it('keeps the statement count independent of first (one batch statement per list)', async () => {
    const one = await run(1);
    const three = await run(3);
    const many = await run(1000);
    expect(three.statements).toBe(one.statements);
    expect(many.statements).toBe(one.statements);
  });
});
