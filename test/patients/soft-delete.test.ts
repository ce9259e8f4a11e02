import { getDirective } from '@graphql-tools/utils';
import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { patientBearingTypes } from '../../src/kernel/auth/phi.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { buildSchema } from '../../src/server.js';
import { billingHelpers, PAY } from '../billing/billing-fixtures.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { coordinate, documentFor, objectTypes, shortestPaths, type AnyField, type ArgumentSource } from '../helpers/schema-paths.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { inMinutes } from '../scheduling/helpers.js';
import { labMachine, publishedDefinition, START, TRANSITION } from '../workflows/support.js';
import { expectData } from '../helpers/expect-data.js';

/**
 * Soft delete with one rule: once a patient is deleted, none of their records
 * (found schema-driven: every table with a patient_id column, plus the rows
 * that hang off them) shows up in any root query of the schema, in any nested
 * field that answers patient records (every one, reached through root lists), in
 * any count or report, or through node(id); nothing errors. restorePatient brings them back.
 */

/** The GraphQL type of each table's rows; a new patient-owned table must be added here. */
const TABLE_TYPES: Record<string, string> = {
  encounters: 'Encounter',
  vital_signs: 'VitalSigns',
  problem_list: 'Problem',
  clinical_notes: 'ClinicalNote',
  drug_allergies: 'DrugAllergy',
  prescriptions: 'Prescription',
  lab_tests: 'LabTest',
  lab_results: 'LabResult',
  imaging_orders: 'ImagingOrder',
  anatomy_findings: 'AnatomyFinding',
  appointments: 'Appointment',
  opd_queue: 'OpdQueueEntry',
  invoices: 'Invoice',
  invoice_line_items: 'InvoiceLineItem',
  payments: 'Payment',
  invoice_adjustments: 'InvoiceAdjustment',
  workflow_instances: 'WorkflowInstance',
  workflow_transitions: 'WorkflowTransition',
  workflow_tasks: 'WorkflowTask',
};

const schema = buildSchema();
let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let departmentId: string;
let definitionId: string;
let bodySystemId: string;
let catalogItemId: string;
let slots = 0;

async function ok(query: string, variables: Record<string, unknown> = {}, role: Role = 'ORG_ADMIN'): Promise<any> {
  return Object.values(await expectData(app, query, variables, tokens[role]))[0];
}

interface Patient {
  id: string;
  uuid: string;
  mrn: string;
  version: number;
}

/** A patient with one record of every kind, made through the API. */
async function patientWithEverything(lastName: string): Promise<Patient> {
  const created = (
    await ok(`mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId mrn version } } }`, {
      i: { firstName: 'Rehema', lastName, dateOfBirth: '1975-05-05' },
    })
  ).patient;
  const patientId = created.id as string;
  const encounterId = (await ok(`mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`, { i: { patientId, encounterType: 'OUTPATIENT', providerId: toGlobalId('User', org.users.PHYSICIAN.id) } })).encounter.id;
  await ok(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, { i: { patientId, encounterId, heartRate: 72 } });
  await ok(`mutation($i: AddProblemInput!) { addProblem(input: $i) { problem { id } } }`, { i: { patientId, description: 'Asthma' } });
  await ok(`mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id } } }`, { i: { patientId, noteType: 'PROGRESS', body: 'Stable.' } });
  await ok(`mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { drugAllergy { id } } }`, { i: { patientId, allergen: 'Penicillin' } });
  await ok(`mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { id } } }`, {
    i: { patientId, medicationName: 'Salbutamol', dosage: '100 mcg', route: 'INHALED', frequency: 'as needed' },
  }, 'PHYSICIAN'); // prescribing is a prescriber's act, not ORG_ADMIN's (issue 20)
  const ordered = (await ok(`mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { id version } } }`, { i: { patientId, encounterId, testName: 'CBC' } })).labTest;
  const collected = (await ok(`mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { labTest { id version } } }`, { i: { id: ordered.id, version: ordered.version } })).labTest;
  await ok(`mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { labTest { id } } }`, {
    i: { labTestId: collected.id, analyte: 'Sodium', resultValue: '140', resultNumeric: 140, referenceLow: 135, referenceHigh: 145 },
  });
  await ok(`mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { id } } }`, { i: { patientId, encounterId, modality: 'XRAY', bodyPart: 'Chest' } });
  await ok(`mutation($i: RecordAnatomyFindingInput!) { recordAnatomyFinding(input: $i) { anatomyFinding { id } } }`, { i: { patientId, bodySystemId, finding: 'Wheeze' } });
  const billing = billingHelpers(app);
  const invoice = await billing.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: catalogItemId }]);
  await ok(PAY, { i: { invoiceId: invoice.id, amount: '10.00', method: 'CASH' } }, 'BILLING');
  await ok(
    `mutation($i: AdjustInvoiceInput!) { adjustInvoice(input: $i) { adjustment { id } } }`,
    { i: { invoiceId: invoice.id, kind: 'CREDIT_NOTE', amount: '1.00', reason: 'Goodwill' } },
    'BILLING',
  );
  const start = 10 + 25 * slots++;
  await ok(`mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { id } } }`, {
    i: { patientId, providerId: toGlobalId('User', org.users.PHYSICIAN.id), departmentId, appointmentType: 'FOLLOW_UP', startsAt: inMinutes(start), endsAt: inMinutes(start + 20) },
  });
  await ok(`mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { id } } }`, { i: { departmentId, patientId } });
  const workflow = await ok(START, { i: { definitionId, entityType: 'LAB_ORDER', entityId: ordered.id } });
  await ok(TRANSITION, { i: { instanceId: workflow.instance.id, event: 'COLLECT' } }, 'NURSE');
  return { id: patientId, uuid: created.patientId, mrn: created.mrn, version: created.version };
}

/** Every row that belongs to the patient, by table (read past row-level security as the test's superuser). */
async function recordsOf(patientUuid: string): Promise<Map<string, string[]>> {
  const tables = await app.admin<{ table: string }[]>`
    select c.table_name as table from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.column_name = 'patient_id' order by 1`;
  const out = new Map<string, string[]>();
  for (const { table } of tables) {
    const rows = await app.admin<{ id: string }[]>`select id from ${app.admin(table)} where patient_id = ${patientUuid}`;
    out.set(table, rows.map((r) => r.id));
  }
  const invoices = out.get('invoices') ?? [];
  out.set('invoice_line_items', (await app.admin<{ id: string }[]>`select id from invoice_line_items where invoice_id = any(${invoices})`).map((r) => r.id));
  const entities = [...(out.get('encounters') ?? []), ...(out.get('lab_tests') ?? []), ...(out.get('imaging_orders') ?? []), ...(out.get('prescriptions') ?? []), ...(out.get('appointments') ?? [])];
  const instances = (await app.admin<{ id: string }[]>`select id from workflow_instances where entity_id = any(${entities})`).map((r) => r.id);
  out.set('workflow_instances', instances);
  out.set('workflow_transitions', (await app.admin<{ id: string }[]>`select id from workflow_transitions where instance_id = any(${instances})`).map((r) => r.id));
  out.set('workflow_tasks', (await app.admin<{ id: string }[]>`select id from workflow_tasks where instance_id = any(${instances})`).map((r) => r.id));
  return out;
}

// ---- schema-driven queries ----

const MAX_DEPTH = 4;

/** Every field without required arguments, objects nested up to MAX_DEPTH (deepest level: scalars only). */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (isUnionType(type)) return '__typename';
  if (isInterfaceType(type)) {
    // The interface's own scalars (for Node: its id); fragments per type could conflict on field types.
    const leaves = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && !f.args.length);
    return ['__typename', ...leaves.map((f) => f.name)].join(' ');
  }
  if (!isObjectType(type)) return '__typename';
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (depth < MAX_DEPTH) parts.push(`${field.name} { ${selectionOf(named, depth + 1)} }`);
  }
  return parts.length ? parts.join(' ') : '__typename';
}

const isConnection = (field: GraphQLField<unknown, unknown>) => getNamedType(field.type).name.endsWith('Connection');

/** One call of a root query field with its required arguments (plus `first` on connections). */
function rootCall(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>) {
  const used = field.args.filter((a) => a.name in args);
  const defs = used.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isLeafType(named) ? '' : ` { ${selectionOf(named, 1)} }`;
  return { query: `query${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`, variables: Object.fromEntries(used.map((a) => [a.name, args[a.name]])) };
}

/** The arguments each root query field is called with; a required argument missing here fails the sweep. */
function argumentsFor(field: GraphQLField<unknown, unknown>, doomed: Patient, doomedIds: string[]): Record<string, unknown> {
  const today = new Date();
  const args: Record<string, unknown> = {
    departmentId,
    mrn: doomed.mrn,
    ids: doomedIds,
    from: new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10),
    to: new Date(today.getTime() + 2 * 86_400_000).toISOString().slice(0, 10),
    stateMachine: labMachine(),
    name: 'Salbutamol', // resolveDrugName: reference data, no patient's
  };
  if (isConnection(field)) args.first = 100;
  for (const a of field.args) {
    if (isNonNullType(a.type) && a.defaultValue === undefined && !(a.name in args) && a.name !== 'id') {
      throw new Error(`no argument value for Query.${field.name}(${a.name}): add one to argumentsFor`);
    }
  }
  return args;
}

/**
 * The audit trail (AUDIT_READ: auditEvents, patientAccessLog, accountingOfDisclosures) is the record of
 * what was done, not the patient's records: it is append-only and keeps a deleted patient's events
 * (test/compliance/compliance.test.ts reads them back), so the sweep leaves it, and the types only it
 * reaches (AuditEvent), out.
 */
const readsAuditTrail = (field: GraphQLField<unknown, unknown>) =>
  (getDirective(schema, field, 'requires')?.[0] as { permission?: string } | undefined)?.permission === 'AUDIT_READ';
const queryFields = Object.values(schema.getQueryType()!.getFields()).filter((f) => !readsAuditTrail(f));
const lookups = queryFields.filter((f) => f.args.some((a) => a.name === 'id' && isNonNullType(a.type)));
const sweepFields = queryFields.filter((f) => !lookups.includes(f));

// ---- nested relations, schema-driven ----

const bearing = patientBearingTypes(schema);

/** The type of record a field answers: its own type, or the node type of a connection. */
function recordTypeOf(field: AnyField): string {
  const named = getNamedType(field.type);
  if (!isObjectType(named) || !('edges' in named.getFields())) return named.name;
  const edge = getNamedType(named.getFields().edges!.type);
  return isObjectType(edge) && edge.getFields().node ? getNamedType(edge.getFields().node!.type).name : named.name;
}

/** Ids of records, counts of connections, every leaf of an embedded value (a patient summary's counts). */
function recordSelection(field: AnyField): string {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named)) return ' { __typename }';
  const fields = named.getFields();
  if ('edges' in fields) return ` { __typename ${'totalCount' in fields ? 'totalCount' : ''} edges { node { __typename id } } }`;
  if ('id' in fields) return ' { __typename id }';
  const leaves = Object.values(fields).filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type)));
  return ` { __typename ${leaves.map((f) => f.name).join(' ')} }`;
}

/** Types a query can reach at all (mutation payloads and subscription events answer only the record just written). */
const readable = new Set(shortestPaths(schema, (parent, field) => (parent === schema.getQueryType() && readsAuditTrail(field) ? null : {})).keys());

/** Every field below the root that answers a patient's records (lists, connections, relations, summaries), by parent type. */
const nestedTargets = objectTypes(schema)
  .filter((type) => readable.has(type.name))
  .map((type) => ({ type, fields: Object.values(type.getFields()).filter((f) => bearing.has(recordTypeOf(f))) }))
  .filter((t) => t.fields.length > 0);

/**
 * Paths through root lists only (no lookup by id or MRN), so a parent is any live record and the same
 * documents answer before and after the deletion.
 */
function nestedDocuments(rootArgs: Record<string, unknown>) {
  const query = schema.getQueryType()!;
  const argsFor: ArgumentSource = (parent, field) => {
    const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    if (parent !== query) return required.length ? null : {};
    if (readsAuditTrail(field)) return null;
    if (required.some((a) => ['id', 'ids', 'mrn'].includes(a.name) || !(a.name in rootArgs))) return null;
    return Object.fromEntries(required.map((a) => [a.name, rootArgs[a.name]]));
  };
  const paths = shortestPaths(schema, argsFor);
  const unreached = nestedTargets.filter((t) => !paths.has(t.type.name)).flatMap((t) => t.fields.map((f) => coordinate(t.type, f)));
  expect(unreached, 'fields answering patient records that no root list reaches').toEqual([]);
  return nestedTargets.map(({ type, fields }) => ({
    key: `nested ${type.name}`,
    ...documentFor(paths.get(type.name)!, fields.map((field) => ({ parent: type, field, args: {} })), recordSelection),
  }));
}

interface Snapshot {
  responses: Map<string, string>;
  totals: Map<string, number>;
}

/** Runs every root query field that needs no record id; every answer must be error-free. */
async function sweep(doomed: Patient, doomedIds: string[]): Promise<Snapshot> {
  const responses = new Map<string, string>();
  const totals = new Map<string, number>();
  for (const field of sweepFields) {
    const { query, variables } = rootCall(field, argumentsFor(field, doomed, doomedIds));
    const res = await app.gql(query, variables, tokens.ORG_ADMIN);
    expect(res.errors, `${field.name}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    expect(res.data?.[field.name], field.name).toBeDefined();
    responses.set(field.name, JSON.stringify(res.data));
    const value = res.data![field.name];
    if (isConnection(field)) totals.set(field.name, value.totalCount);
  }
  for (const { key, query, variables } of nestedDocuments(argumentsFor(schema.getQueryType()!.getFields().patients!, doomed, doomedIds))) {
    const res = await app.gql(query, variables, tokens.ORG_ADMIN);
    expect(res.errors, `${key}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    responses.set(key, JSON.stringify(res.data));
  }
  return { responses, totals };
}

const occurrences = (text: string, needles: string[]) => needles.filter((n) => text.includes(n));

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, `softdel-${randomUUID().slice(0, 6)}`);
  tokens = await tokensByRole(app, org);
  departmentId = (
    await ok(`mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { department { id } } }`, {
      i: { name: 'Outpatients', code: 'OPD1', departmentType: 'OUTPATIENT' },
    })
  ).department.id;
  definitionId = (await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Lab order', entityType: 'LAB_ORDER', stateMachine: labMachine({ collectGuards: [] }) })).id;
  bodySystemId = (await ok(`{ bodySystems { id } }`))[0].id;
  catalogItemId = (await billingHelpers(app).createItem(tokens.BILLING, {})).id;
});
afterAll(() => app?.close());

describe('a deleted patient', () => {
  it('no longer breaks the encounters and invoices lists (finding 1)', async () => {
    const survivor = await patientWithEverything('Survivor');
    const doomed = await patientWithEverything('Doomed');
    await ok(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: doomed.id, version: doomed.version } });
    for (const list of ['encounters', 'invoices']) {
      const res = await app.gql(`{ ${list}(first: 1000) { totalCount edges { node { id patient { id } } } } }`, {}, tokens.ORG_ADMIN);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const patients = res.data![list].edges.map((e: any) => e.node.patient.id);
      expect(patients).toContain(survivor.id);
      expect(patients).not.toContain(doomed.id);
      expect(res.data![list].totalCount).toBe(res.data![list].edges.length);
    }
  });

  it('disappears with every record from every root query, count, report and node lookup; restorePatient brings them back', async () => {
    await patientWithEverything('Bystander');
    const doomed = await patientWithEverything('Erroneous');
    const records = await recordsOf(doomed.uuid);
    for (const [table, ids] of records) {
      expect(TABLE_TYPES[table], `patient-owned table ${table} has no GraphQL type in TABLE_TYPES`).toBeDefined();
      expect(ids.length, `the patient has no ${table} row: add one to patientWithEverything`).toBeGreaterThan(0);
    }
    const typed = [...records].flatMap(([table, ids]) => ids.map((uuid) => ({ type: TABLE_TYPES[table]!, uuid, id: toGlobalId(TABLE_TYPES[table]!, uuid) })));
    const doomedIds = typed.map((r) => r.id);
    const needles = [doomed.id, doomed.uuid, ...typed.flatMap((r) => [r.id, r.uuid])];

    const nestedFields = nestedTargets.flatMap((t) => t.fields.map((f) => coordinate(t.type, f)));
    expect(nestedFields).toEqual(expect.arrayContaining(['Encounter.patient', 'Patient.clinicalNotes', 'Patient.summary', 'Invoice.lineItems', 'WorkflowInstance.history']));
    console.info(`soft-delete sweep: ${sweepFields.length} root fields, ${nestedFields.length} nested fields on ${nestedTargets.length} types, ${lookups.length} lookups`);
    const before = await sweep(doomed, doomedIds);
    const seenBefore = new Map([...before.responses].map(([f, text]) => [f, occurrences(text, needles)]));
    // The sweep does see the records while the patient is live (else it would prove nothing).
    for (const list of ['encounters', 'invoices', 'appointments', 'opdQueue', 'workflowInstances', 'workflowTasks', 'patients', 'nodes']) {
      expect(seenBefore.get(list)!.length, list).toBeGreaterThan(0);
    }
    // Every record of the patient shows through some nested field while the patient is live.
    const nestedSeen = new Set([...seenBefore].filter(([key]) => key.startsWith('nested ')).flatMap(([, found]) => found));
    expect(typed.filter((r) => !nestedSeen.has(r.id)).map((r) => r.type), 'records no nested field answers').toEqual([]);
    const revenueBefore = JSON.parse(before.responses.get('revenueReport')!).revenueReport.totals;

    await ok(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: doomed.id, version: doomed.version } });

    const after = await sweep(doomed, doomedIds);
    for (const [field, text] of after.responses) {
      expect(occurrences(text, needles), `Query.${field} still shows the deleted patient's records`).toEqual([]);
    }
    for (const [field, total] of before.totals) {
      const hidden = JSON.parse(before.responses.get(field)!)[field].edges.filter((e: any) => needles.includes(e.node.id)).length;
      expect(after.totals.get(field), `Query.${field} totalCount`).toBe(total - hidden);
    }
    // Report rows drop the deleted patient's invoice (100.00 billed) and payment (10.00 received).
    const revenueAfter = JSON.parse(after.responses.get('revenueReport')!).revenueReport.totals;
    expect(revenueAfter).not.toEqual(revenueBefore);
    expect(revenueAfter.invoiceCount).toBe(revenueBefore.invoiceCount - 1);
    // Every lookup by id (node(id) and the typed ones) answers null for each record.
    expect(lookups.map((f) => f.name)).toContain('node');
    for (const lookup of lookups) {
      const type = getNamedType(lookup.type).name;
      for (const r of typed.filter((t) => type === 'Node' || t.type === type)) {
        const { query, variables } = rootCall(lookup, { id: r.id });
        const res = await app.gql(query, variables, tokens.ORG_ADMIN);
        expect(res.errors, `${lookup.name}(${r.type}): ${JSON.stringify(res.errors)}`).toBeUndefined();
        expect(res.data![lookup.name], `${lookup.name}(${r.type} ${r.uuid})`).toBeNull();
      }
    }
    // Their records cannot be changed either (they are not found).
    const lab = typed.find((r) => r.type === 'LabTest')!;
    const cancel = await app.gql(`mutation($i: CancelLabTestInput!) { cancelLabTest(input: $i) { labTest { id } } }`, { i: { id: lab.id, version: 1, reason: 'x' } }, tokens.ORG_ADMIN);
    expect(cancel.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    // Only an administrator restores, and only a deleted patient.
    const refused = await app.gql(`mutation($i: RestorePatientInput!) { restorePatient(input: $i) { patient { id } } }`, { i: { id: doomed.id } }, tokens.PHYSICIAN);
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const restored = await ok(`mutation($i: RestorePatientInput!) { restorePatient(input: $i) { patient { id mrn version } } }`, { i: { id: doomed.id } });
    expect(restored.patient).toEqual({ id: doomed.id, mrn: doomed.mrn, version: doomed.version + 2 });
    const again = await app.gql(`mutation($i: RestorePatientInput!) { restorePatient(input: $i) { patient { id } } }`, { i: { id: doomed.id } }, tokens.ORG_ADMIN);
    expect(again.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const [audit] = await app.admin<{ count: number }[]>`
      select count(*)::int as count from audit_log where organization_id = ${org.id} and action = 'patient.restore' and entity_id = ${doomed.uuid}`;
    expect(audit!.count).toBe(1);

    const back = await sweep(doomed, doomedIds);
    for (const [field, text] of back.responses) {
      expect(occurrences(text, needles).sort(), `Query.${field} after restore`).toEqual(seenBefore.get(field)!.sort());
    }
    expect(back.totals).toEqual(before.totals);
    expect(JSON.parse(back.responses.get('revenueReport')!).revenueReport.totals).toEqual(revenueBefore);
    for (const r of typed) {
      const res = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: r.id }, tokens.ORG_ADMIN);
      expect(res.data!.node, `node(${r.type}) after restore`).toEqual({ id: r.id });
    }
  });
});
