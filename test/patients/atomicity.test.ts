import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Every clinical mutation writes its rows and its audit row in one transaction.
 * With the audit insert made to fail (at the very end of each transaction), no
 * mutation may leave anything behind: the whole database is byte-for-byte the same.
 */
let app: TestApp;
let tokens: Record<Role, string>;
const ids: Record<string, string> = {};

async function run(query: string, input: Record<string, unknown>, role: Role = 'ORG_ADMIN') {
  const res = await app.gql(query, { i: input }, tokens[role]);
  if (res.errors) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return Object.values(res.data!)[0] as Record<string, any>;
}

async function fingerprint(): Promise<string> {
  const tables = await app.admin<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' and tablename <> 'rate_limits' order by 1`;
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const [row] = await app.admin.unsafe(`select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${tablename} t`);
    parts.push(`${tablename}:${row!.n}:${row!.h}`);
  }
  return parts.join('\n');
}

beforeAll(async () => {
  app = await createTestApp();
  const org = await createOrganization(app.admin, 'north');
  // The acting administrator is also a physician: prescribing, signing, verifying and reporting are a
  // clinician's acts, which ORG_ADMIN alone no longer grants (issue 20).
  await app.admin`insert into user_roles (organization_id, user_id, role_code) values (${org.id}, ${org.users.ORG_ADMIN.id}, 'PHYSICIAN')`;
  tokens = await tokensByRole(app, org);
  // The acting ORG_ADMIN holds no clinical role, so encounters name a physician as their provider.
  ids.physician = toGlobalId('User', org.users.PHYSICIAN.id);
  const patient = await run(`mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`, { firstName: 'Ada', lastName: 'Atom', dateOfBirth: '1970-01-01' });
  ids.patient = patient.patient.id;
  ids.encounter = (await run(`mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`, { patientId: ids.patient, encounterType: 'OUTPATIENT', providerId: ids.physician })).encounter.id;
  ids.problem = (await run(`mutation($i: AddProblemInput!) { addProblem(input: $i) { problem { id } } }`, { patientId: ids.patient, description: 'Asthma' })).problem.id;
  ids.note = (await run(`mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id } } }`, { patientId: ids.patient, noteType: 'PROGRESS', body: 'Well.' })).clinicalNote.id;
  ids.prescription = (await run(`mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { id } } }`, { patientId: ids.patient, medicationName: 'Salbutamol', dosage: '100 mcg', route: 'INHALED', frequency: 'as needed' })).prescription.id;
  ids.labOrdered = (await run(`mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { id } } }`, { patientId: ids.patient, testName: 'CBC' })).labTest.id;
  ids.labCollected = (await run(`mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { id } } }`, { patientId: ids.patient, testName: 'BMP' })).labTest.id;
  await run(`mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { labTest { id } } }`, { id: ids.labCollected, version: 1 });
  ids.imaging = (await run(`mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { id } } }`, { patientId: ids.patient, modality: 'XRAY', bodyPart: 'Chest' })).imagingOrder.id;
  const systems = await app.gql(`{ bodySystems { id } }`, {}, tokens.PHYSICIAN);
  ids.bodySystem = systems.data!.bodySystems[0].id;
});
afterAll(() => app.close());

/** The row's current version, so each case acts on the record as the previous cases left it. */
async function version(table: string, globalId: string): Promise<number> {
  const uuid = Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
  const [row] = await app.admin.unsafe(`select version from ${table} where id = $1`, [uuid]);
  return row!.version as number;
}

const CASES: [string, string, () => Promise<Record<string, unknown>>][] = [
  ['createPatient', `mutation($i: CreatePatientInput!) { createPatient(input: $i) { __typename } }`, async () => ({ firstName: 'No', lastName: 'Trace', dateOfBirth: '1980-01-01' })],
  ['updatePatient', `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { __typename } }`, async () => ({ id: ids.patient, version: await version('ehr_patients', ids.patient!), firstName: 'Changed' })],
  ['deactivatePatient', `mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { __typename } }`, async () => ({ id: ids.patient, version: await version('ehr_patients', ids.patient!) })],
  ['createEncounter', `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, encounterType: 'EMERGENCY', providerId: ids.physician })],
  ['startEncounter', `mutation($i: StartEncounterInput!) { startEncounter(input: $i) { __typename } }`, async () => ({ id: ids.encounter, version: await version('encounters', ids.encounter!) })],
  ['cancelEncounter', `mutation($i: CancelEncounterInput!) { cancelEncounter(input: $i) { __typename } }`, async () => ({ id: ids.encounter, version: await version('encounters', ids.encounter!), reason: 'No show' })],
  ['recordVitalSigns', `mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, encounterId: ids.encounter, heartRate: 70, lateEntryReason: 'Taken before the visit was cancelled' })],
  ['addProblem', `mutation($i: AddProblemInput!) { addProblem(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, description: 'Migraine' })],
  ['resolveProblem', `mutation($i: ResolveProblemInput!) { resolveProblem(input: $i) { __typename } }`, async () => ({ id: ids.problem, version: await version('problem_list', ids.problem!) })],
  ['addClinicalNote', `mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, noteType: 'NURSING', body: 'Ok' })],
  ['signClinicalNote', `mutation($i: SignClinicalNoteInput!) { signClinicalNote(input: $i) { __typename } }`, async () => ({ id: ids.note, version: await version('clinical_notes', ids.note!) })],
  ['recordDrugAllergy', `mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, allergen: 'Latex' })],
  ['prescribeMedication', `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, medicationName: 'Ibuprofen', dosage: '200 mg', route: 'ORAL', frequency: 'tid' })],
  ['discontinuePrescription', `mutation($i: DiscontinuePrescriptionInput!) { discontinuePrescription(input: $i) { __typename } }`, async () => ({ id: ids.prescription, version: await version('prescriptions', ids.prescription!), reason: 'Done' })],
  ['orderLabTest', `mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, testName: 'HbA1c' })],
  ['collectLabSpecimen', `mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { __typename } }`, async () => ({ id: ids.labOrdered, version: await version('lab_tests', ids.labOrdered!) })],
  ['recordLabResult', `mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { __typename } }`, async () => ({ labTestId: ids.labCollected, analyte: 'Sodium', resultValue: '140', resultNumeric: 140, referenceLow: 135, referenceHigh: 145 })],
  ['cancelLabTest', `mutation($i: CancelLabTestInput!) { cancelLabTest(input: $i) { __typename } }`, async () => ({ id: ids.labOrdered, version: await version('lab_tests', ids.labOrdered!), reason: 'Duplicate' })],
  ['orderImaging', `mutation($i: OrderImagingInput!) { orderImaging(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, modality: 'CT', bodyPart: 'Head' })],
  ['recordImagingAcquired', `mutation($i: RecordImagingAcquiredInput!) { recordImagingAcquired(input: $i) { __typename } }`, async () => ({ id: ids.imaging, version: await version('imaging_orders', ids.imaging!) })],
  ['reportImaging', `mutation($i: ReportImagingInput!) { reportImaging(input: $i) { __typename } }`, async () => ({ id: ids.imaging, version: await version('imaging_orders', ids.imaging!), findings: 'Clear', impression: 'Normal' })],
  ['recordAnatomyFinding', `mutation($i: RecordAnatomyFindingInput!) { recordAnatomyFinding(input: $i) { __typename } }`, async () => ({ patientId: ids.patient, bodySystemId: ids.bodySystem, finding: 'Wheeze' })],
  ['deletePatient', `mutation($i: DeletePatientInput!) { deletePatient(input: $i) { __typename } }`, async () => ({ id: ids.patient, version: await version('ehr_patients', ids.patient!) })],
];

describe('a failure at the end of a mutation\'s transaction leaves nothing behind', () => {
  it.each(CASES)('%s', async (_name, query, input) => {
    const before = await fingerprint();
    await app.admin`alter table audit_log add constraint reject_every_audit_row check (false) not valid`;
    let res;
    try {
      res = await app.gql(query, { i: await input() }, tokens.ORG_ADMIN);
    } finally {
      await app.admin`alter table audit_log drop constraint reject_every_audit_row`;
    }
    expect(res.errors?.[0]?.extensions.code, JSON.stringify(res.errors)).toBe('BAD_USER_INPUT'); // the audit insert's check violation
    expect(await fingerprint()).toBe(before);
    // The same call succeeds once audit rows can be written: the test above exercised a real write.
    const ok = await app.gql(query, { i: await input() }, tokens.ORG_ADMIN);
    expect(ok.errors, JSON.stringify(ok.errors)).toBeUndefined();
    const [{ n }] = (await app.admin`select count(*)::int as n from audit_log`) as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(0);
  });
});
