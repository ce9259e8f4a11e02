import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

/**
 * Issue 20, finding 6: signing a note is its author's (or named co-signer's) act, verifying lab results and
 * reporting imaging need their own permissions (PHYSICIAN), prescribing stays with prescribers, and imaging is
 * reported only after its images are acquired.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'authority');
  tokens = await tokensByRole(app, org);
});
afterAll(() => app.close());

const ADD_NOTE = `mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id version author { userId } cosigner { userId } } } }`;
const SIGN_NOTE = `mutation($i: SignClinicalNoteInput!) { signClinicalNote(input: $i) { clinicalNote { status signedBy { userId } } } }`;
const LAB = `id version status`;
const ORDER_LAB = `mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { ${LAB} } } }`;
const COLLECT = `mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { labTest { ${LAB} } } }`;
const RECORD = `mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { labTest { ${LAB} } } }`;
const VERIFY = `mutation($i: VerifyLabTestInput!) { verifyLabTest(input: $i) { labTest { ${LAB} } } }`;
const IMAGING = `id version status completedAt reportedBy { userId }`;
const ORDER_IMAGING = `mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { ${IMAGING} } } }`;
const ACQUIRED = `mutation($i: RecordImagingAcquiredInput!) { recordImagingAcquired(input: $i) { imagingOrder { ${IMAGING} } } }`;
const REPORT = `mutation($i: ReportImagingInput!) { reportImaging(input: $i) { imagingOrder { ${IMAGING} } } }`;
const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { prescriptionId } } }`;

async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  return expectData(app, query, variables, token);
}

function firstError(res: GraphQLResponse) {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
}

async function createPatient(): Promise<string> {
  const data = await ok(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`,
    { i: { firstName: 'Otieno', lastName: 'Authority', dateOfBirth: '1969-07-20' } },
    tokens.FRONT_DESK,
  );
  return data.createPatient.patient.id;
}

const addNote = async (patientId: string, token: string, extra: Record<string, unknown> = {}) =>
  (await ok(ADD_NOTE, { i: { patientId, noteType: 'PROGRESS', body: 'Reviewed; plan unchanged.', ...extra } }, token)).addClinicalNote.clinicalNote;

describe('signing a note', () => {
  it("a nurse cannot sign a physician's draft; the physician signs their own", async () => {
    const patientId = await createPatient();
    const note = await addNote(patientId, tokens.PHYSICIAN);
    const byNurse = firstError(await app.gql(SIGN_NOTE, { i: { id: note.id, version: note.version } }, tokens.NURSE));
    expect(byNurse.extensions.code).toBe('FORBIDDEN');
    expect(byNurse.message).toMatch(/author of the note or its named co-signer/);
    const byAdmin = firstError(await app.gql(SIGN_NOTE, { i: { id: note.id, version: note.version } }, tokens.ORG_ADMIN));
    expect(byAdmin.extensions.code).toBe('FORBIDDEN');
    const signed = (await ok(SIGN_NOTE, { i: { id: note.id, version: note.version } }, tokens.PHYSICIAN)).signClinicalNote.clinicalNote;
    expect(signed).toMatchObject({ status: 'SIGNED', signedBy: { userId: org.users.PHYSICIAN.id } });
  });

  it("a nurse signs her own nursing note; a named co-signer may sign someone else's", async () => {
    const patientId = await createPatient();
    const own = await addNote(patientId, tokens.NURSE, { noteType: 'NURSING' });
    await ok(SIGN_NOTE, { i: { id: own.id, version: own.version } }, tokens.NURSE);
    const cosigned = await addNote(patientId, tokens.NURSE, { noteType: 'TRIAGE', cosignerId: org.users.PHYSICIAN.id });
    expect(cosigned.cosigner).toEqual({ userId: org.users.PHYSICIAN.id });
    const signed = (await ok(SIGN_NOTE, { i: { id: cosigned.id, version: cosigned.version } }, tokens.PHYSICIAN)).signClinicalNote.clinicalNote;
    expect(signed.signedBy).toEqual({ userId: org.users.PHYSICIAN.id });
  });
});

describe('verifying lab results', () => {
  it('a nurse cannot verify a lab test; a physician can', async () => {
    const patientId = await createPatient();
    const ordered = (await ok(ORDER_LAB, { i: { patientId, testName: 'Serum potassium' } }, tokens.PHYSICIAN)).orderLabTest.labTest;
    const collected = (await ok(COLLECT, { i: { id: ordered.id, version: ordered.version } }, tokens.NURSE)).collectLabSpecimen.labTest;
    const resulted = (
      await ok(RECORD, { i: { labTestId: collected.id, analyte: 'Potassium', resultValue: '4.1', resultNumeric: 4.1, resultUnit: 'mmol/L', referenceLow: 3.5, referenceHigh: 5.1, status: 'FINAL' } }, tokens.NURSE)
    ).recordLabResult.labTest;
    for (const role of ['NURSE', 'ORG_ADMIN'] as const) {
      const refused = firstError(await app.gql(VERIFY, { i: { id: resulted.id, version: resulted.version } }, tokens[role]));
      expect(refused.extensions.code, role).toBe('FORBIDDEN');
    }
    const verified = (await ok(VERIFY, { i: { id: resulted.id, version: resulted.version } }, tokens.PHYSICIAN)).verifyLabTest.labTest;
    expect(verified.status).toBe('VERIFIED');
  });
});

describe('reporting imaging', () => {
  it('a CT cannot be reported before its images are ACQUIRED, nor by a nurse', async () => {
    const patientId = await createPatient();
    const ct = (await ok(ORDER_IMAGING, { i: { patientId, modality: 'CT', bodyPart: 'Head' } }, tokens.PHYSICIAN)).orderImaging.imagingOrder;
    const report = (version: number) => ({ i: { id: ct.id, version, findings: 'No bleed', impression: 'Normal CT head' } });
    const early = firstError(await app.gql(REPORT, report(ct.version), tokens.PHYSICIAN));
    expect(early.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', from: 'ORDERED', to: 'REPORTED' });
    expect(early.message).toMatch(/only after its images are acquired/);

    const acquired = (await ok(ACQUIRED, { i: { id: ct.id, version: ct.version } }, tokens.NURSE)).recordImagingAcquired.imagingOrder;
    expect(acquired.status).toBe('COMPLETED');
    expect(acquired.completedAt).toBeTruthy();
    const twice = firstError(await app.gql(ACQUIRED, { i: { id: ct.id, version: acquired.version } }, tokens.NURSE));
    expect(twice.extensions).toMatchObject({ code: 'BAD_USER_INPUT', from: 'COMPLETED' });

    for (const role of ['NURSE', 'ORG_ADMIN'] as const) {
      expect(firstError(await app.gql(REPORT, report(acquired.version), tokens[role])).extensions.code, role).toBe('FORBIDDEN');
    }
    const reported = (await ok(REPORT, report(acquired.version), tokens.PHYSICIAN)).reportImaging.imagingOrder;
    expect(reported).toMatchObject({ status: 'REPORTED', completedAt: acquired.completedAt, reportedBy: { userId: org.users.PHYSICIAN.id } });
  });
});

describe('prescribing', () => {
  it('ORG_ADMIN cannot prescribe', async () => {
    const patientId = await createPatient();
    const i = { patientId, medicationName: 'Lisinopril 10 mg', dosage: '10 mg', route: 'ORAL', frequency: 'daily' };
    expect(firstError(await app.gql(PRESCRIBE, { i }, tokens.ORG_ADMIN)).extensions.code).toBe('FORBIDDEN');
    await ok(PRESCRIBE, { i }, tokens.PHYSICIAN);
  });
});
