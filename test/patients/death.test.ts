import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { createDepartment } from '../scheduling/helpers.js';
import { expectData } from '../helpers/expect-data.js';

/**
 * Death is a state the record respects (issue 20, finding 5): recording it stops the care in force in the same
 * transaction, a deceased patient gets no new care but the encounter documenting the death, and only an
 * organization administrator can undo it, with a reason.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let clinic: { id: string; uuid: string };

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'death');
  tokens = await tokensByRole(app, org);
  clinic = await createDepartment(app, org.id, 'GMED');
});
afterAll(() => app.close());

const PATIENT = `id patientId status deceasedAt version`;
const DEACTIVATE = `mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { patient { ${PATIENT} } } }`;
const UNDO = `mutation($i: UndoPatientDeathInput!) { undoPatientDeath(input: $i) { patient { ${PATIENT} } } }`;
const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { prescriptionId status refills } } }`;
const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { id appointmentId status } } }`;
const CREATE_ENCOUNTER = `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id encounterId status } } }`;
const ORDER_LAB = `mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { labTestId } } }`;
const RX = { medicationName: 'Metformin 500 mg tablet', dosage: '500 mg', route: 'ORAL', frequency: 'twice daily', refills: 5 };

async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  return expectData(app, query, variables, token);
}

const refusal = (res: GraphQLResponse) => {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
};

async function createPatient(dateOfBirth = '1948-06-01') {
  const data = await ok(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { ${PATIENT} } } }`,
    { i: { firstName: 'Baraka', lastName: 'Mwangi', dateOfBirth } },
    tokens.FRONT_DESK,
  );
  return data.createPatient.patient as { id: string; patientId: string; version: number };
}

/** A slot `days` ahead at 09:00 UTC plus `minute`. */
function slot(days: number, minute = 0) {
  const start = new Date();
  start.setUTCHours(9, minute, 0, 0);
  start.setUTCDate(start.getUTCDate() + days);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 30 * 60_000).toISOString() };
}

const book = (patientId: string, days: number) =>
  app.gql(BOOK, {
    i: { patientId, providerId: toGlobalId('User', org.users.PHYSICIAN.id), departmentId: clinic.id, appointmentType: 'FOLLOW_UP', ...slot(days) },
  }, tokens.FRONT_DESK);

const recordDeath = (p: { id: string }, version: number, deceasedAt: string, token = tokens.PHYSICIAN) =>
  app.gql(DEACTIVATE, { i: { id: p.id, version, status: 'DECEASED', deceasedAt } }, token);

const ORDER_IMAGING = `mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { imagingOrderId } } }`;
const VITALS = `mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`;

describe('death', () => {
  it('recording a death cancels the lab orders whose specimen was never taken and the imaging not yet begun, in the same transaction', async () => {
    const p = await createPatient();
    const lab = (await ok(ORDER_LAB, { i: { patientId: p.id, testName: 'Lipid panel' } }, tokens.PHYSICIAN)).orderLabTest.labTest;
    const scan = (await ok(ORDER_IMAGING, { i: { patientId: p.id, modality: 'XRAY', bodyPart: 'Chest' } }, tokens.PHYSICIAN)).orderImaging.imagingOrder;
    expect((await recordDeath(p, 1, new Date(Date.now() - 60_000).toISOString())).errors).toBeUndefined();
    const [labRow] = await app.admin`select status, cancellation_reason from lab_tests where id = ${lab.labTestId}`;
    const [scanRow] = await app.admin`select status, cancellation_reason from imaging_orders where id = ${scan.imagingOrderId}`;
    expect(labRow).toEqual({ status: 'CANCELLED', cancellation_reason: 'Patient deceased' });
    expect(scanRow).toEqual({ status: 'CANCELLED', cancellation_reason: 'Patient deceased' });
    const audit = await app.admin<{ action: string; request_id: string }[]>`
      select action, request_id from audit_log
      where entity_id in (${p.patientId}, ${lab.labTestId}, ${scan.imagingOrderId}) and action in ('patient.deactivate', 'lab_test.cancel', 'imaging_order.cancel')`;
    expect(audit.map((r) => r.action).sort()).toEqual(['imaging_order.cancel', 'lab_test.cancel', 'patient.deactivate']);
    expect(new Set(audit.map((r) => r.request_id)).size).toBe(1);
  });

  it('vital signs measured after the recorded time of death are refused, those before it are kept', async () => {
    const p = await createPatient();
    const deceasedAt = new Date(Date.now() - 2 * 3_600_000);
    await ok(DEACTIVATE, { i: { id: p.id, version: 1, status: 'DECEASED', deceasedAt: deceasedAt.toISOString() } }, tokens.PHYSICIAN);
    const after = refusal(await app.gql(VITALS, { i: { patientId: p.id, heartRate: 60, recordedAt: new Date(deceasedAt.getTime() + 60_000).toISOString() } }, tokens.NURSE));
    expect(after.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AFTER_DEATH', field: 'recordedAt' });
    const before = await app.gql(VITALS, { i: { patientId: p.id, heartRate: 40, recordedAt: new Date(deceasedAt.getTime() - 60_000).toISOString() } }, tokens.NURSE);
    expect(before.errors).toBeUndefined();
  });

  it('recording a death cancels future appointments (and planned encounters) and stops active prescriptions in the same transaction, audited', async () => {
    const p = await createPatient();
    const rx1 = (await ok(PRESCRIBE, { i: { ...RX, patientId: p.id } }, tokens.PHYSICIAN)).prescribeMedication.prescription;
    const rx2 = (await ok(PRESCRIBE, { i: { ...RX, medicationName: 'Lisinopril 10 mg tablet', dosage: '10 mg', patientId: p.id } }, tokens.PHYSICIAN))
      .prescribeMedication.prescription;
    const a1 = (await book(p.id, 3)).data!.bookAppointment.appointment;
    const a2 = (await book(p.id, 10)).data!.bookAppointment.appointment;
    const planned = (await ok(CREATE_ENCOUNTER, { i: { patientId: p.id, encounterType: 'FOLLOW_UP', scheduledAt: slot(7).startsAt } }, tokens.PHYSICIAN))
      .createEncounter.encounter;

    const deceasedAt = new Date(Date.now() - 60 * 60_000).toISOString();
    const res = await recordDeath(p, 1, deceasedAt);
    expect(res.data?.deactivatePatient.patient).toMatchObject({ status: 'DECEASED', deceasedAt });

    const appointments = await app.admin<{ status: string; cancellation_reason: string }[]>`
      select status, cancellation_reason from appointments where id in (${a1.appointmentId}, ${a2.appointmentId})`;
    expect(appointments).toEqual([
      { status: 'CANCELLED', cancellation_reason: 'Patient deceased' },
      { status: 'CANCELLED', cancellation_reason: 'Patient deceased' },
    ]);
    const prescriptions = await app.admin<{ status: string; discontinued_reason: string }[]>`
      select status, discontinued_reason from prescriptions where id in (${rx1.prescriptionId}, ${rx2.prescriptionId})`;
    expect(prescriptions).toEqual([
      { status: 'DISCONTINUED', discontinued_reason: 'Patient deceased' },
      { status: 'DISCONTINUED', discontinued_reason: 'Patient deceased' },
    ]);
    expect((await app.admin`select status from encounters where id = ${planned.encounterId}`)[0]).toEqual({ status: 'CANCELLED' });
    // One transaction: every audit row of the death carries the same request id.
    const audit = await app.admin<{ action: string; request_id: string }[]>`
      select action, request_id from audit_log
      where entity_id in (${p.patientId}, ${a1.appointmentId}, ${a2.appointmentId}, ${rx1.prescriptionId}, ${rx2.prescriptionId}, ${planned.encounterId})
        and action in ('patient.deactivate', 'appointment.cancel', 'prescription.discontinue', 'encounter.cancel')`;
    expect(audit.map((r) => r.action).sort()).toEqual([
      'appointment.cancel', 'appointment.cancel', 'encounter.cancel', 'patient.deactivate', 'prescription.discontinue', 'prescription.discontinue',
    ]);
    expect(new Set(audit.map((r) => r.request_id)).size).toBe(1);
    // The provider's time is free again.
    const other = await createPatient('1990-01-01');
    expect((await book(other.id, 3)).data?.bookAppointment.appointment.status).toBe('SCHEDULED');
  });

  it('a failure while stopping the care leaves the patient alive and every appointment and prescription as it was', async () => {
    const p = await createPatient();
    const rx = (await ok(PRESCRIBE, { i: { ...RX, patientId: p.id } }, tokens.PHYSICIAN)).prescribeMedication.prescription;
    const a = (await book(p.id, 4)).data!.bookAppointment.appointment;
    await app.admin`alter table audit_log add constraint reject_cancel check (action <> 'appointment.cancel') not valid`;
    try {
      expect(refusal(await recordDeath(p, 1, new Date().toISOString())).extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_cancel`;
    }
    expect((await app.admin`select status from ehr_patients where id = ${p.patientId}`)[0]).toEqual({ status: 'ACTIVE' });
    expect((await app.admin`select status from appointments where id = ${a.appointmentId}`)[0]).toEqual({ status: 'SCHEDULED' });
    expect((await app.admin`select status from prescriptions where id = ${rx.prescriptionId}`)[0]).toEqual({ status: 'ACTIVE' });
  });

  it('no prescription, lab order, appointment or encounter after death; the death is documented in an explicit encounter', async () => {
    const p = await createPatient();
    await ok(DEACTIVATE, { i: { id: p.id, version: 1, status: 'DECEASED', deceasedAt: new Date(Date.now() - 3_600_000).toISOString() } }, tokens.PHYSICIAN);

    const rx = refusal(await app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id } }, tokens.PHYSICIAN));
    expect(rx.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PATIENT_DECEASED', field: 'patientId' });
    expect(rx.message).toMatch(/recorded as deceased/);
    expect(refusal(await app.gql(ORDER_LAB, { i: { patientId: p.id, testName: 'Basic metabolic panel' } }, tokens.PHYSICIAN)).extensions)
      .toMatchObject({ code: 'CONFLICT', reason: 'PATIENT_DECEASED' });
    expect(refusal(await book(p.id, 5)).extensions).toMatchObject({ code: 'CONFLICT', reason: 'PATIENT_DECEASED' });
    expect(refusal(await app.gql(CREATE_ENCOUNTER, { i: { patientId: p.id, encounterType: 'OUTPATIENT' } }, tokens.PHYSICIAN)).extensions)
      .toMatchObject({ code: 'CONFLICT', reason: 'PATIENT_DECEASED' });
    expect(await app.admin`select 1 from prescriptions where patient_id = ${p.patientId}`).toHaveLength(0);

    const documented = await ok(CREATE_ENCOUNTER, { i: { patientId: p.id, encounterType: 'INPATIENT', documentsDeath: true, reason: 'Pronouncement of death' } }, tokens.PHYSICIAN);
    const encounter = documented.createEncounter.encounter;
    expect(encounter.status).toBe('PLANNED');
    const note = await app.gql(
      `mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { status } } }`,
      { i: { patientId: p.id, encounterId: encounter.id, noteType: 'PROGRESS', body: 'Pronounced dead; family informed.' } },
      tokens.PHYSICIAN,
    );
    expect(note.data?.addClinicalNote.clinicalNote.status).toBe('DRAFT');
    const [audit] = await app.admin`select changes from audit_log where entity_id = ${encounter.encounterId} and action = 'encounter.create'`;
    expect(audit!.changes.after.documentsDeath).toBe(true);
    // The documenting encounter takes no orders either.
    expect(refusal(await app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id, encounterId: encounter.id } }, tokens.PHYSICIAN)).extensions.reason)
      .toBe('PATIENT_DECEASED');
    // And it is only for the dead.
    const living = await createPatient();
    expect(refusal(await app.gql(CREATE_ENCOUNTER, { i: { patientId: living.id, encounterType: 'INPATIENT', documentsDeath: true } }, tokens.PHYSICIAN)).extensions)
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'documentsDeath' });
  });

  it('deceasedAt before the date of birth, or in the future, is refused', async () => {
    const p = await createPatient('1990-05-20');
    expect(refusal(await recordDeath(p, 1, '1990-05-19T12:00:00Z')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deceasedAt' });
    expect(refusal(await recordDeath(p, 1, '1901-01-01T00:00:00Z')).message).toMatch(/before the patient's date of birth \(1990-05-20\)/);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(refusal(await recordDeath(p, 1, tomorrow)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deceasedAt' });
    expect((await app.admin`select status, version from ehr_patients where id = ${p.patientId}`)[0]).toEqual({ status: 'ACTIVE', version: 1 });
    // A corrected date of birth cannot move after the death either.
    await ok(DEACTIVATE, { i: { id: p.id, version: 1, status: 'DECEASED', deceasedAt: '2020-03-01T10:00:00Z' } }, tokens.PHYSICIAN);
    const later = await app.gql(`mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { dateOfBirth } } }`,
      { i: { id: p.id, version: 2, dateOfBirth: '2021-01-01' } }, tokens.FRONT_DESK);
    expect(refusal(later).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dateOfBirth' });
  });

  it('FRONT_DESK cannot undo a death; ORG_ADMIN can, only with a reason, audited', async () => {
    const p = await createPatient();
    await ok(DEACTIVATE, { i: { id: p.id, version: 1, status: 'DECEASED', deceasedAt: '2026-01-02T03:04:05Z' } }, tokens.NURSE);
    // Deactivating again (INACTIVE) would erase the death: refused for everyone.
    const back = await app.gql(DEACTIVATE, { i: { id: p.id, version: 2, status: 'INACTIVE' } }, tokens.FRONT_DESK);
    expect(refusal(back).extensions).toMatchObject({ code: 'CONFLICT', reason: 'PATIENT_DECEASED' });
    expect(refusal(back).message).toMatch(/undoPatientDeath/);
    expect(refusal(await app.gql(UNDO, { i: { id: p.id, version: 2, reason: 'Wrong patient' } }, tokens.FRONT_DESK)).extensions.code).toBe('FORBIDDEN');
    expect(refusal(await app.gql(UNDO, { i: { id: p.id, version: 2, reason: 'Wrong patient' } }, tokens.PHYSICIAN)).extensions.code).toBe('FORBIDDEN');
    expect(refusal(await app.gql(UNDO, { i: { id: p.id, version: 2, reason: '   ' } }, tokens.ORG_ADMIN)).extensions)
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await app.admin`select status from ehr_patients where id = ${p.patientId}`)[0]).toEqual({ status: 'DECEASED' });

    const undone = await ok(UNDO, { i: { id: p.id, version: 2, reason: 'Death recorded on the wrong patient' } }, tokens.ORG_ADMIN);
    expect(undone.undoPatientDeath.patient).toMatchObject({ status: 'ACTIVE', deceasedAt: null, version: 3 });
    const [audit] = await app.admin`select actor_user_id, changes from audit_log where entity_id = ${p.patientId} and action = 'patient.undo_death'`;
    expect(audit).toMatchObject({
      actor_user_id: org.users.ORG_ADMIN.id,
      changes: { before: { status: 'DECEASED' }, after: { status: 'ACTIVE', deceasedAt: null, reason: 'Death recorded on the wrong patient' } },
    });
    expect((await ok(PRESCRIBE, { i: { ...RX, patientId: p.id } }, tokens.PHYSICIAN)).prescribeMedication.prescription.status).toBe('ACTIVE');
  });
});
