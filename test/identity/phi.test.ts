import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PHI_KINDS, ROLES, type PhiKind, type Role } from '../../src/kernel/auth/permissions.js';
import { applyPhiDirectives, patientBearingTypes } from '../../src/kernel/auth/phi.js';
import { buildSchema, loadTypeDefs } from '../../src/server.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createDepartment } from '../scheduling/helpers.js';
import { gid, labMachine, labOrder, ok, publishedDefinition, START } from '../workflows/support.js';

/**
 * Schema-driven PHI sweep: one patient with a record of every patient-bearing type, every field
 * classified with `@phi(kind:)` read through the API by every role. A field answers the stored value
 * exactly when the role's PHI kinds (ROLE_PHI_KINDS) include the field's kind, else null.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
const schema = buildSchema();
const bearing = patientBearingTypes(schema);
/** Patient-bearing Node type → uuid of its seeded record. */
const records: Record<string, string> = {};

const isNode = (t: GraphQLObjectType) => t.getInterfaces().some((i) => i.name === 'Node');
const phiKindOf = (field: GraphQLField<unknown, unknown>) => {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'phi');
  const arg = directive?.arguments?.find((a) => a.name.value === 'kind');
  return arg && arg.value.kind === 'EnumValue' ? (arg.value.value as PhiKind) : undefined;
};

interface Sel {
  name: string;
  kind?: PhiKind;
  list?: boolean;
  children?: Sel[];
}

/** Every classified field of a type, descending into embedded (non-Node) patient-bearing values such as Address. */
function selectionOf(type: GraphQLObjectType, seen: ReadonlySet<string>): Sel[] {
  const out: Sel[] = [];
  for (const field of Object.values(type.getFields())) {
    const kind = phiKindOf(field);
    const named = getNamedType(field.type);
    if (kind) out.push({ name: field.name, kind });
    else if (isObjectType(named) && bearing.has(named.name) && !isNode(named) && !seen.has(named.name)) {
      const children = selectionOf(named, new Set([...seen, named.name]));
      if (children.length > 0) out.push({ name: field.name, list: isListType(getNullableType(field.type)), children });
    }
  }
  return out;
}
const print = (sels: Sel[]): string => sels.map((s) => (s.children ? `${s.name} { ${print(s.children)} }` : s.name)).join(' ');

/**
 * The admin's answer with every field of a kind the role does not read replaced by null. Lists of
 * embedded values (a workflow's available transitions) depend on the viewer's roles, so there the
 * role's own answer is the base and only the masking is checked.
 */
function masked(sels: Sel[], data: any, kinds: readonly PhiKind[], own: any): any {
  if (data === null || data === undefined) return data;
  const out: Record<string, unknown> = {};
  for (const s of sels) {
    if (!s.children) out[s.name] = kinds.includes(s.kind!) ? data[s.name] : null;
    else if (!s.list) out[s.name] = masked(s.children, data[s.name], kinds, own?.[s.name]);
    else out[s.name] = (own?.[s.name] as any[] | null)?.map((o) => masked(s.children!, o, kinds, o)) ?? null;
  }
  return out;
}

/** Classified leaves (outside lists) that the admin reads as null: the seed must fill every one. */
function unseeded(sels: Sel[], data: any, prefix: string): string[] {
  return sels.flatMap((s) => {
    if (s.list) return [];
    if (s.children) return unseeded(s.children, data?.[s.name], `${prefix}.${s.name}`);
    return data?.[s.name] === null || data?.[s.name] === undefined ? [`${prefix}.${s.name}`] : [];
  });
}

const nodeTypes = () =>
  [...bearing]
    .map((n) => schema.getType(n))
    .filter((t): t is GraphQLObjectType => isObjectType(t) && isNode(t))
    .sort((a, b) => a.name.localeCompare(b.name));

async function seed() {
  const lab = await labOrder(app, org);
  const physician = org.users.PHYSICIAN.id;
  const patient = lab.patientId;
  await app.admin`
    update ehr_patients set mrn = 'PHI-0001', first_name = 'Wanjiru', middle_name = 'Achieng', last_name = 'Kamau',
      preferred_name = 'Wanji', date_of_birth = '1970-05-17', sex_at_birth = 'FEMALE', gender_identity = 'Woman',
      phone = '+254700000001', email = 'wanjiru@example.test', address_line1 = '1 Riverside Drive', address_line2 = 'Flat 2',
      city = 'Nairobi', region = 'Nairobi County', postal_code = '00100', country = 'KE', preferred_language = 'sw',
      emergency_contact_name = 'Otieno Kamau', emergency_contact_phone = '+254700000002', emergency_contact_relationship = 'Spouse',
      insurance_provider = 'NHIF', insurance_policy_number = 'POL-123456'
    where id = ${patient}`;
  await app.admin`
    update encounters set reason = 'Fever for three days', chief_complaint = 'Headache and chills', notes = 'Remarks on the visit',
      discharge_disposition = 'Home with follow-up'
    where id = ${lab.encounterId}`;
  await app.admin`
    update lab_tests set specimen_type = 'Blood', clinical_indication = 'Suspected malaria', notes = 'Draw before antimalarials',
      cancellation_reason = 'Duplicate order'
    where id = ${lab.labTestId}`;
  records.Patient = patient;
  records.Encounter = lab.encounterId;
  records.LabTest = lab.labTestId;
  const one = async (q: Promise<{ id: string }[]>) => (await q)[0]!.id;
  records.LabResult = await one(app.admin`
    insert into lab_results (organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_unit, reference_range, notes)
    values (${org.id}, ${lab.labTestId}, ${patient}, 'Haemoglobin', 'HGB', '11.2', 'g/dL', '12-16', 'Slightly low') returning id`);
  records.VitalSigns = await one(app.admin`
    insert into vital_signs (organization_id, patient_id, encounter_id, recorded_by, temperature_c, weight_kg, height_cm, notes, abnormal_flags)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 38.2, 70.5, 172.0, 'Patient anxious, shivering', '{FEVER}') returning id`);
  records.Problem = await one(app.admin`
    insert into problem_list (organization_id, patient_id, encounter_id, code, code_system, description, onset_date, resolved_date, notes, recorded_by)
    values (${org.id}, ${patient}, ${lab.encounterId}, 'B54', 'ICD-10', 'Malaria', '2026-01-02', '2026-01-20', 'Travel history', ${physician}) returning id`);
  records.ClinicalNote = await one(app.admin`
    insert into clinical_notes (organization_id, patient_id, encounter_id, author_id, note_type, title, body)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 'PROGRESS', 'Day 2', 'Confidential narrative') returning id`);
  records.DrugAllergy = await one(app.admin`
    insert into drug_allergies (organization_id, patient_id, allergen, allergen_code, reaction, onset_date, notes, recorded_by)
    values (${org.id}, ${patient}, 'Penicillin', 'RX-7980', 'Hives on the arms', '2001-03-04', 'Reported by mother', ${physician}) returning id`);
  records.Prescription = await one(app.admin`
    insert into prescriptions (organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage,
      dose_amount, dose_unit, route, frequency, quantity, instructions, start_date, end_date, discontinued_reason, allergy_override_reason)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 'Artemether', 'RX-1', '80 mg', 80, 'mg', 'ORAL', 'BID', 6,
      'Take with food', '2026-01-02', '2026-01-05', 'Course changed', 'Benefit outweighs risk') returning id`);
  const [bodySystem] = await app.admin<{ id: string }[]>`select id from body_systems order by sort_order limit 1`;
  records.ImagingOrder = await one(app.admin`
    insert into imaging_orders (organization_id, patient_id, encounter_id, ordered_by, modality, body_part, clinical_indication,
      findings, impression, cancellation_reason)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 'XRAY', 'Chest', 'Cough', 'Clear lung fields', 'Normal',
      'Patient declined') returning id`);
  records.AnatomyFinding = await one(app.admin`
    insert into anatomy_findings (organization_id, patient_id, encounter_id, body_system_id, recorded_by, location, finding, notes)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${bodySystem!.id}, ${physician}, 'Left forearm', 'Rash', 'Itchy since Monday')
    returning id`);
  records.Invoice = await one(app.admin`
    insert into invoices (organization_id, invoice_number, invoice_seq, patient_id, encounter_id, currency, due_date, void_reason, notes)
    values (${org.id}, 'INV-PHI-1', 1, ${patient}, ${lab.encounterId}, 'KES', '2026-02-01', 'Billed twice', 'Patient will pay in cash')
    returning id`);
  records.InvoiceLineItem = await one(app.admin`
    insert into invoice_line_items (organization_id, invoice_id, description, unit_price)
    values (${org.id}, ${records.Invoice}, 'Malaria smear', 10) returning id`);
  records.Payment = await one(app.admin`
    insert into payments (organization_id, invoice_id, patient_id, amount, currency, method, reference, idempotency_key, reason)
    values (${org.id}, ${records.Invoice}, ${patient}, 5, 'KES', 'CASH', 'RCPT-991', 'phi-sweep-key', 'Partial payment at discharge')
    returning id`);
  const department = await createDepartment(app, org.id, 'PHI');
  records.Appointment = await one(app.admin`
    insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime,
      appointment_type, reason, notes, cancellation_reason)
    values (${org.id}, ${patient}, ${physician}, ${department.uuid}, now() + interval '1 day', now() + interval '1 day 30 minutes',
      'FOLLOW_UP', 'Review malaria smear', 'Bring previous results', 'Rescheduled by phone') returning id`);
  records.OpdQueueEntry = await one(app.admin`
    insert into opd_queue (organization_id, department_id, queue_date, token_number, patient_id, notes)
    values (${org.id}, ${department.uuid}, current_date, 1, ${patient}, 'Needs wheelchair') returning id`);
  await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Laboratory order', entityType: 'LAB_ORDER', stateMachine: labMachine() });
  const started = (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId, comment: 'Ordered for fever' } }, tokens.PHYSICIAN))
    .startWorkflow;
  const instance: string = started.instance.workflowInstanceId;
  const task: string = started.createdTasks[0].workflowTaskId;
  records.WorkflowInstance = instance;
  records.WorkflowTask = task;
  await app.admin`update workflow_tasks set form_data = ${app.admin.json({ specimenSite: 'left arm' })}, description = 'Collect before noon'
    where id = ${task}`;
  // The start transition has no from-state; a later one has every field.
  records.WorkflowTransition = await one(app.admin`
    insert into workflow_transitions (organization_id, instance_id, from_state, to_state, event, actor_id, comment)
    values (${org.id}, ${instance}, 'ORDERED', 'ORDERED', 'COMMENT', ${physician}, 'Patient fasting since 6am')
    returning id`);
}

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'phi');
  tokens = await tokensByRole(app, org);
  await seed();
});
afterAll(() => app.close());

describe('PHI classification', () => {
  it('classifies every text, JSON and date field of every patient-bearing type', () => {
    // buildSchema() above would have thrown otherwise; the sweep below needs a seeded record per type.
    expect(nodeTypes().map((t) => t.name).filter((n) => !records[n])).toEqual([]);
    expect([...bearing]).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'VitalSigns', 'Invoice', 'Appointment', 'WorkflowTask', 'Address']));
  });

  it('answers each classified field exactly when the role reads its kind, for every role and patient-bearing type', async () => {
    const reach: Record<string, Role[]> = {};
    for (const type of nodeTypes()) {
      const sels = selectionOf(type, new Set([type.name]));
      const query = `query($id: ID!) { node(id: $id) { ... on ${type.name} { ${print(sels)} } } }`;
      const id = gid(type.name, records[type.name]!);
      const admin = await app.gql(query, { id }, tokens.ORG_ADMIN);
      expect(admin.errors, `${type.name} as ORG_ADMIN`).toBeUndefined();
      expect(admin.data?.node, `${type.name} as ORG_ADMIN`).not.toBeNull();
      expect(unseeded(sels, admin.data!.node, type.name), 'fields the seed leaves empty').toEqual([]);
      reach[type.name] = [];
      for (const role of ROLES) {
        const res = await app.gql(query, { id }, tokens[role]);
        if (res.data?.node === null) {
          // The role may not read this kind of record at all: refused, nothing returned.
          expect(res.errors?.[0]?.extensions.code, `${type.name} as ${role}`).toBe('FORBIDDEN');
          continue;
        }
        reach[type.name]!.push(role);
        expect(res.errors, `${type.name} as ${role}`).toBeUndefined();
        expect(res.data!.node, `${type.name} as ${role}`).toEqual(masked(sels, admin.data!.node, ROLE_PHI_KINDS[role], res.data!.node));
      }
    }
    // ORG_ADMIN reaches every record; ANALYST every record but a clinical note (clinical_notes:read),
    // so the sweep really checks ANALYST's masking on every other type.
    for (const [type, roles] of Object.entries(reach)) expect(roles, type).toContain('ORG_ADMIN');
    expect(Object.keys(reach).filter((t) => !reach[t]!.includes('ANALYST'))).toEqual(['ClinicalNote']);
  });

  it('gives ANALYST coded data and the birth year, never identifiers or clinical free text', async () => {
    const q = `query($p: ID!, $e: ID!, $v: ID!) {
      p: node(id: $p) { ... on Patient { mrn firstName lastName dateOfBirth birthYear phone address { line1 city region country } genderIdentity } }
      e: node(id: $e) { ... on Encounter { encounterType reason chiefComplaint dischargeDisposition } }
      v: node(id: $v) { ... on VitalSigns { temperatureC notes abnormalFlags } } }`;
    const vars = { p: gid('Patient', records.Patient!), e: gid('Encounter', records.Encounter!), v: gid('VitalSigns', records.VitalSigns!) };
    const analyst = await app.gql(q, vars, tokens.ANALYST);
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data).toEqual({
      p: { mrn: null, firstName: null, lastName: null, dateOfBirth: null, birthYear: 1970, phone: null,
        address: { line1: null, city: null, region: 'Nairobi County', country: 'KE' }, genderIdentity: 'Woman' },
      e: { encounterType: 'OUTPATIENT', reason: null, chiefComplaint: null, dischargeDisposition: null },
      v: { temperatureC: '38.2', notes: null, abnormalFlags: ['FEVER'] },
    });
    const nurse = await app.gql(q, vars, tokens.NURSE);
    expect(nurse.data?.p).toMatchObject({ mrn: 'PHI-0001', dateOfBirth: '1970-05-17', birthYear: 1970 });
    expect(nurse.data?.v).toMatchObject({ notes: 'Patient anxious, shivering' });
  });
});

describe('startup refusal', () => {
  const build = (extra: string) => applyPhiDirectives(makeExecutableSchema({ typeDefs: [...loadTypeDefs(), extra] }));

  it('accepts the shipped schema', () => {
    expect(() => build('')).not.toThrow();
  });

  it('refuses an unclassified text field on a patient-bearing type, naming the field', () => {
    expect(() => build('extend type Patient { nickname: String }')).toThrow(/Patient\.nickname .*@phi/);
    expect(() => build('extend type Encounter { dischargeDate: Date }')).toThrow(/Encounter\.dischargeDate .*@phi/);
  });

  it('finds patient-bearing types mechanically: a patient field, @patientRecord, or an embedded value of one', () => {
    const referral = `type Referral implements Node { id: ID! patient: Patient! letter: String }
      extend type Query { referral: Referral @authenticated }`;
    expect(() => build(referral)).toThrow(/Referral\.letter .*@phi/);
    const marked = `type Handover implements Node @patientRecord { id: ID! summary: JSONObject }
      extend type Query { handover: Handover @authenticated }`;
    expect(() => build(marked)).toThrow(/Handover\.summary .*@phi/);
    const embedded = `type Guardian { name: String } extend type Patient { guardian: Guardian }`;
    expect(() => build(embedded)).toThrow(/Guardian\.name .*@phi/);
  });

  it('refuses a non-null field of a kind some roles may not read', () => {
    expect(() => build('extend type Patient { nationalId: String! @phi(kind: IDENTIFIER) }')).toThrow(
      /Patient\.nationalId is @phi\(kind: IDENTIFIER\).*must be nullable/,
    );
  });
});
