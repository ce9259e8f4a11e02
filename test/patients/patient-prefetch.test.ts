/**
 * The look-ahead prefetch (src/patients/patient-prefetch.ts) must be invisible
 * except in the statement count: every field it primes answers exactly what
 * the field's own loader answers. The selection is generated from the schema
 * (every leaf field of every bundled relation), so a column added later is
 * compared too; `node(id:)` resolves the same patients through the loaders
 * alone (it does not prefetch).
 */
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { buildSchema } from '../../src/server.js';
import { addCompletePatient } from '../helpers/complete-patient.js';
import { login } from '../helpers/fixtures.js';
import { COUNTING_STATEMENTS, createTestApp, type TestApp } from '../helpers/test-app.js';

const schema = buildSchema();
const type = (name: string) => schema.getType(name) as GraphQLObjectType;

/** Every leaf field of `name` that needs no argument. */
function leaves(name: string): string {
  return Object.values(type(name).getFields())
    .filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)))
    .map((f) => f.name)
    .join(' ');
}

const page = (node: string) => `edges { cursor node { ${node} } } pageInfo { ${leaves('PageInfo')} }`;

/** Every relation the prefetch bundles, with everything below it that it bundles too. */
const BUNDLED = `
  ${leaves('Patient')}
  summary { ${leaves('PatientSummary')} }
  balance
  allergies { ${leaves('DrugAllergy')} }
  problems(status: [ACTIVE, RESOLVED]) { ${leaves('Problem')} }
  prescriptions { ${leaves('Prescription')} prescriber { ${leaves('User')} } }
  encounters(first: 3) { ${page(`${leaves('Encounter')} provider { ${leaves('User')} } vitalSigns(first: 2) { ${leaves('VitalSigns')} }`)} }
  invoices(first: 4) { ${page(`${leaves('Invoice')} payments { ${leaves('Payment')} }`)} }
  clinicalNotes(first: 2) { ${page(`${leaves('ClinicalNote')} author { ${leaves('User')} }`)} }
  labTests(first: 3) { ${leaves('LabTest')} results { ${leaves('LabResult')} } }
`;

/** The statements of the bundled relations' own loaders: a prefetched request sends none of them. */
const LOADER_STATEMENTS = [
  'summariesByPatientIds', 'balancesByPatientIds', 'drugAllergiesByPatientIds', 'problemsByPatientIds', 'prescriptionsByPatientIds',
  'usersByIds', 'liveEncounters', 'vitalSignsByEncounterIds', 'liveInvoices', 'paymentsByInvoiceIds',
  'liveClinicalNotes', 'labTestsByPatientIds', 'labResultsByLabTestIds',
];

/** The parts of a bundled patient these tests look into. */
interface ListedPatient {
  id: string;
  encounters: { edges: { node: { vitalSigns: unknown[] } }[] };
  invoices: { edges: { node: { payments: unknown[] } }[] };
  clinicalNotes: { edges: unknown[] };
  labTests: { results: unknown[] }[];
  prescriptions: unknown[];
  allergies: unknown[];
}
type IdEdges = { edges: { node: { id: string } }[] };

let app: TestApp;
let token: string;
let userId: string;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  await seedSyntheticData(app.admin, { patients: 120 });
  await addCompletePatient(app.admin);
  token = (await login(app, 'physician@northwind.example', DEMO_PASSWORD)).accessToken;
  userId = (await app.gql(`{ me { userId } }`, {}, token)).data!.me.userId;
}, 180_000);
afterAll(() => app?.close());

async function run(query: string, variables: Record<string, unknown> = {}) {
  app.api.deps.viewerCache.forget(userId);
  await app.gql(`{ me { userId } }`, {}, token); // authentication outside the count
  const counter = app.api.deps.db.statements;
  const before = counter.count;
  counter.capture = [];
  const res = await app.gql(query, variables, token);
  const labels = counter.capture.map((q) => /\/\* (\w+)/.exec(q)?.[1] ?? q.trim().split(/\s+/)[0] ?? '');
  counter.capture = undefined;
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { data: res.data!, statements: counter.count - before, labels };
}

describe('look-ahead prefetch of patient relations', () => {
  it('each bundled leaf field is the schema: the generated selection covers every relation', () => {
    for (const name of ['DrugAllergy', 'Problem', 'Prescription', 'Encounter', 'VitalSigns', 'Invoice', 'Payment', 'ClinicalNote', 'LabTest', 'LabResult', 'User']) {
      expect(isObjectType(type(name)), name).toBe(true);
      expect(leaves(name).split(' ').length, name).toBeGreaterThan(0);
    }
  });

  it('a page of patients answers exactly what the loaders answer, in one statement for all relations', async () => {
    const listed = await run(`{ patients(first: 25) { edges { node { ${BUNDLED} } } } }`);
    const patients = (listed.data.patients as { edges: { node: ListedPatient }[] }).edges.map((e) => e.node);
    expect(patients).toHaveLength(25);
    // The data really is nested (otherwise equality would prove little).
    const some = (f: (p: ListedPatient) => boolean) => expect(patients.filter(f).length).toBeGreaterThan(0);
    some((p) => p.encounters.edges.some((e) => e.node.vitalSigns.length > 0));
    some((p) => p.invoices.edges.some((e) => e.node.payments.length > 0));
    some((p) => p.clinicalNotes.edges.length > 0);
    some((p) => p.labTests.some((t) => t.results.length > 0));
    some((p) => p.prescriptions.length > 0 && p.allergies.length > 0);

    // The same patients through node(id:), five per request (the cost limit), loaders only.
    const viaNode: unknown[] = [];
    const nodeLabels: string[] = [];
    for (let i = 0; i < patients.length; i += 5) {
      const group = patients.slice(i, i + 5).map((p: { id: string }, j: number) => `p${j}: node(id: "${p.id}") { ...All }`);
      const res = await run(`{ ${group.join('\n')} } fragment All on Patient { ${BUNDLED} }`);
      viaNode.push(...group.map((_: unknown, j: number) => res.data[`p${j}`]));
      nodeLabels.push(...res.labels);
    }
    expect(viaNode).toEqual(patients);

    expect(listed.labels.filter((l) => LOADER_STATEMENTS.includes(l)), 'bundled relations fetched again').toEqual([]);
    // BEGIN, tenant scope, the page with every bundled relation; then what the bundle does not cover
    // (the billing clock of Invoice's date fields, the corrections of LabResult and the entered-in-error
    // marks of VitalSigns (issue 20), User.roles); the PHI access row and COMMIT.
    expect(listed.labels).toEqual([
      'begin', 'select', 'patientPageWithBundles', 'organizationClock', 'supersessionsBySupersedingIds', 'vitalSignsErrorsByIds', 'rolesByUserIds', 'insert', 'commit',
    ]);
    expect(nodeLabels.filter((l) => LOADER_STATEMENTS.includes(l)).length, 'the loaders answer node(id:)').toBeGreaterThan(5);
  });

  it('one patient by id answers what the loaders answer', async () => {
    const ids = ((await run(`{ patients(first: 12) { edges { node { id } } } }`)).data.patients as IdEdges).edges.map((e) => e.node.id);
    for (const id of ids) {
      const direct = await run(`query($id: ID!) { patient(id: $id) { ${BUNDLED} } }`, { id });
      const byNode = await run(`query($id: ID!) { node(id: $id) { ... on Patient { ${BUNDLED} } } }`, { id });
      expect(direct.data.patient).toEqual(byNode.data.node);
      expect(direct.labels.filter((l) => LOADER_STATEMENTS.includes(l)), 'bundled relations fetched again').toEqual([]);
    }
  });

  it('relations asked twice with other arguments, later pages and fragments still resolve through the loaders', async () => {
    const query = `query($after: String) {
      patients(first: 5) { edges { node {
        id
        ...Chart
        allActive: problems(status: [ACTIVE]) { id status }
        later: encounters(first: 2, after: $after) { edges { node { id } } }
        encounters(first: 2) { edges { node { id encounterAt } } }
      } } }
    }
    fragment Chart on Patient { allergies { id allergen } encounters(first: 2) { edges { cursor node { id provider { displayName } } } } }`;
    const { data } = await run(query, { after: null });
    type Row = { later: IdEdges; allActive: { status: string }[]; encounters: { edges: { node: { id: string; provider: { displayName: unknown } } }[] } };
    for (const { node: p } of (data.patients as { edges: { node: Row }[] }).edges) {
      expect(p.later.edges.map((e) => e.node.id)).toEqual(p.encounters.edges.map((e) => e.node.id));
      expect(p.allActive.every((x) => x.status === 'ACTIVE')).toBe(true);
      for (const e of p.encounters.edges) expect(typeof e.node.provider.displayName).toBe('string');
    }
  });

  it('a prefetched page has the bare page\'s rows, order and cursors in every ordering and direction, on later pages too', async () => {
    type Page = { edges: { cursor: string; node: { id: string } }[]; pageInfo: { endCursor: string | null } };
    const query = (withBundle: boolean) => `query($o: PatientOrderField!, $d: OrderDirection!, $after: String) {
      patients(first: 4, after: $after, orderBy: { field: $o, direction: $d }) {
        edges { cursor node { id ${withBundle ? 'allergies { id }' : ''} } } pageInfo { endCursor }
      } }`;
    for (const o of ['NAME', 'DATE_OF_BIRTH', 'CREATED_AT']) {
      for (const d of ['ASC', 'DESC']) {
        let after: string | null = null;
        for (let n = 0; n < 3; n++) {
          const bare = await run(query(false), { o, d, after });
          const bundled = await run(query(true), { o, d, after });
          expect(bare.labels, `${o} ${d}`).toContain('unfilteredPatientPageStatement');
          expect(bundled.labels, `${o} ${d}`).toContain('patientPageWithBundles');
          const [a, b] = [bare.data.patients as Page, bundled.data.patients as Page];
          expect(b.edges.map((e) => [e.cursor, e.node.id]), `${o} ${d} page ${n}`).toEqual(a.edges.map((e) => [e.cursor, e.node.id]));
          expect(a.edges.length).toBe(4);
          after = a.pageInfo.endCursor;
        }
      }
    }
  });

  it('reads nothing a role may not see: fields behind a guard the role fails are not bundled', async () => {
    const query = `{ patients(first: 3) { edges { node { id balance invoices(first: 2) { edges { node { id } } } allergies { id } } } } }`;
    /** The relations the page statement asked patient_bundles for. */
    const bundled = async (account: string) => {
      const session = await login(app, `${account}@northwind.example`, DEMO_PASSWORD);
      const counter = app.api.deps.db.statements;
      counter.capture = [];
      counter.captureParameters = [];
      const res = await app.gql(query, {}, session.accessToken);
      const at = counter.capture.findIndex((q) => q.includes('/* patientPageWithBundles */'));
      const request = counter.captureParameters[at]!.find((v) => typeof v === 'string' && v.startsWith('{'));
      counter.capture = undefined;
      counter.captureParameters = undefined;
      return { res, relations: Object.keys(JSON.parse(request as string)).sort() };
    };
    const nurse = await bundled('nurse'); // no billing:read
    expect(nurse.res.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(nurse.relations).toEqual(['allergies']);
    const physician = await bundled('physician');
    expect(physician.res.errors).toBeUndefined();
    expect(physician.relations).toEqual(['allergies', 'balance', 'invoices']);
  });

  it('every `*_at` column the bundle revives is a timestamptz, and every timestamptz it reads ends in `_at`', async () => {
    const tables = ['drug_allergies', 'problem_list', 'prescriptions', 'encounters', 'vital_signs', 'invoices', 'payments', 'clinical_notes', 'lab_tests', 'lab_results', 'users'];
    const rows = await app.admin<{ table: string; column: string; type: string }[]>`
      select table_name as table, column_name as column, data_type as type from information_schema.columns
      where table_schema = 'public' and table_name = any(${tables})`;
    const wrong = rows.filter((r) => r.column.endsWith('_at') !== (r.type === 'timestamp with time zone'));
    // Columns the bundle does not read may break the rule; none of those it reads does.
    expect(wrong.map((r) => `${r.table}.${r.column}`).filter((c) => !['users.locked_until'].includes(c))).toEqual([]);
  });
});
