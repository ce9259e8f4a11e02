import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

/**
 * Encounters have clinical guards (issue 20, finding 7): completion waits for signed notes, a closed encounter
 * takes new records only as audited late entries, an encounter happens between birth and now unless planned,
 * and its provider is a clinician.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'guards');
  tokens = await tokensByRole(app, org);
});
afterAll(() => app.close());

const ENCOUNTER = `id encounterId status version encounterAt`;
const CREATE = `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { ${ENCOUNTER} } } }`;
const START = `mutation($i: StartEncounterInput!) { startEncounter(input: $i) { encounter { ${ENCOUNTER} } } }`;
const COMPLETE = `mutation($i: CompleteEncounterInput!) { completeEncounter(input: $i) { encounter { ${ENCOUNTER} } } }`;
const CANCEL = `mutation($i: CancelEncounterInput!) { cancelEncounter(input: $i) { encounter { ${ENCOUNTER} } } }`;
const VITALS = `mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { vitalSignsId } } }`;
const NOTE = `mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id clinicalNoteId version } } }`;
const SIGN = `mutation($i: SignClinicalNoteInput!) { signClinicalNote(input: $i) { clinicalNote { status } } }`;
const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { prescriptionId } } }`;
const ORDER_LAB = `mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { labTestId } } }`;
const ORDER_IMAGING = `mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { imagingOrderId } } }`;

async function ok(query: string, variables: Record<string, unknown>, token = tokens.PHYSICIAN): Promise<Record<string, any>> {
  return expectData(app, query, variables, token);
}

const refusal = (res: GraphQLResponse) => {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
};

async function createPatient(dateOfBirth = '1962-09-30') {
  const data = await ok(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId } } }`,
    { i: { firstName: 'Chebet', lastName: 'Kiprop', dateOfBirth } },
    tokens.FRONT_DESK,
  );
  return data.createPatient.patient as { id: string; patientId: string };
}

const createEncounter = async (patientId: string, extra: Record<string, unknown> = {}) =>
  (await ok(CREATE, { i: { patientId, encounterType: 'OUTPATIENT', ...extra } })).createEncounter.encounter;

async function inProgressEncounter(patientId: string) {
  const e = await createEncounter(patientId);
  return (await ok(START, { i: { id: e.id, version: e.version } })).startEncounter.encounter;
}

async function completedEncounter(patientId: string) {
  const e = await inProgressEncounter(patientId);
  return (await ok(COMPLETE, { i: { id: e.id, version: e.version } })).completeEncounter.encounter;
}

describe('encounter guards', () => {
  it('completion with a draft note is refused; signing it, or an explicit reason, lets it complete', async () => {
    const p = await createPatient();
    const e = await inProgressEncounter(p.id);
    const note = (await ok(NOTE, { i: { patientId: p.id, encounterId: e.id, noteType: 'PROGRESS', body: 'Chest clear.' } })).addClinicalNote.clinicalNote;
    const refused = refusal(await app.gql(COMPLETE, { i: { id: e.id, version: e.version } }, tokens.PHYSICIAN));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'UNSIGNED_NOTES', field: 'id', draftNoteCount: 1 });
    expect(refused.message).toMatch(/draftNotesReason/);
    await ok(SIGN, { i: { id: note.id, version: note.version } });
    expect((await ok(COMPLETE, { i: { id: e.id, version: e.version } })).completeEncounter.encounter.status).toBe('COMPLETED');

    // The explicit path: complete now, sign later; the reason and the notes are in the audit row.
    const e2 = await inProgressEncounter(p.id);
    const draft = (await ok(NOTE, { i: { patientId: p.id, encounterId: e2.id, noteType: 'PROGRESS', body: 'Dictated, to be reviewed.' } }, tokens.NURSE))
      .addClinicalNote.clinicalNote;
    const done = await ok(COMPLETE, { i: { id: e2.id, version: e2.version, draftNotesReason: 'Nurse signs her note after the shift handover' } });
    expect(done.completeEncounter.encounter.status).toBe('COMPLETED');
    const [audit] = await app.admin`select changes from audit_log where entity_id = ${e2.encounterId} and action = 'encounter.complete'`;
    expect(audit!.changes.after).toMatchObject({
      status: 'COMPLETED', draftNotesReason: 'Nurse signs her note after the shift handover', draftNoteIds: [draft.clinicalNoteId],
    });
  });

  it('vitals on a completed encounter need a late-entry reason, and are audited as a late entry', async () => {
    const p = await createPatient();
    const e = await completedEncounter(p.id);
    const vitals = { patientId: p.id, encounterId: e.id, heartRate: 72, systolicBp: 128, diastolicBp: 82 };
    const refused = refusal(await app.gql(VITALS, { i: vitals }, tokens.NURSE));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENCOUNTER_CLOSED', field: 'encounterId', encounterStatus: 'COMPLETED' });
    expect(refused.message).toMatch(/lateEntryReason/);
    expect(await app.admin`select 1 from vital_signs where patient_id = ${p.patientId}`).toHaveLength(0);

    const late = await ok(VITALS, { i: { ...vitals, lateEntryReason: 'Paper chart transcribed after clinic' } }, tokens.NURSE);
    const id = late.recordVitalSigns.vitalSigns.vitalSignsId;
    const [audit] = await app.admin`select actor_user_id, changes from audit_log where entity_id = ${e.encounterId} and action = 'encounter.late_entry'`;
    expect(audit).toMatchObject({
      actor_user_id: org.users.NURSE.id,
      changes: { after: { entityType: 'vital_signs', entityId: id, encounterStatus: 'COMPLETED', reason: 'Paper chart transcribed after clinic' } },
    });
  });

  it('notes, orders and prescriptions into a cancelled encounter are refused without a late-entry reason', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    await ok(CANCEL, { i: { id: e.id, version: e.version, reason: 'Patient left' } });
    const into = { patientId: p.id, encounterId: e.id };
    const writes: [string, Record<string, unknown>][] = [
      [NOTE, { ...into, noteType: 'PROGRESS', body: 'Seen briefly.' }],
      [ORDER_LAB, { ...into, testName: 'Full blood count' }],
      [ORDER_IMAGING, { ...into, modality: 'XRAY', bodyPart: 'Chest' }],
      [PRESCRIBE, { ...into, medicationName: 'Paracetamol 500 mg tablet', dosage: '1 g', route: 'ORAL', frequency: 'four times daily' }],
    ];
    for (const [query, input] of writes) {
      expect(refusal(await app.gql(query, { i: input }, tokens.PHYSICIAN)).extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENCOUNTER_CLOSED' });
      await ok(query, { i: { ...input, lateEntryReason: 'Entered after the visit was cancelled' } });
    }
    const late = await app.admin<{ entity_type: string }[]>`
      select changes->'after'->>'entityType' as entity_type from audit_log where entity_id = ${e.encounterId} and action = 'encounter.late_entry'
      order by occurred_at`;
    expect(late.map((r) => r.entity_type)).toEqual(['clinical_note', 'lab_test', 'imaging_order', 'prescription']);
    // Another patient's encounter is still named as such.
    const q = await createPatient();
    expect(refusal(await app.gql(VITALS, { i: { patientId: q.id, encounterId: e.id, heartRate: 70 } }, tokens.NURSE)).extensions)
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterId' });
  });

  it('encounterAt of 1900 (before birth) or 2099 is refused; a planned encounter may lie ahead and happens when started', async () => {
    const p = await createPatient('1962-09-30');
    const old = refusal(await app.gql(CREATE, { i: { patientId: p.id, encounterType: 'OUTPATIENT', encounterAt: '1900-01-01T09:00:00Z' } }, tokens.PHYSICIAN));
    expect(old.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterAt' });
    expect(old.message).toMatch(/before the patient's date of birth \(1962-09-30\)/);
    const dayBefore = refusal(await app.gql(CREATE, { i: { patientId: p.id, encounterType: 'OUTPATIENT', encounterAt: '1962-09-29T12:00:00Z' } }, tokens.PHYSICIAN));
    expect(dayBefore.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterAt' });
    const future = refusal(await app.gql(CREATE, { i: { patientId: p.id, encounterType: 'OUTPATIENT', encounterAt: '2099-01-01T09:00:00Z' } }, tokens.PHYSICIAN));
    expect(future.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterAt' });
    const farPlanned = refusal(await app.gql(CREATE, { i: { patientId: p.id, encounterType: 'FOLLOW_UP', scheduledAt: '2099-01-01T09:00:00Z' } }, tokens.PHYSICIAN));
    expect(farPlanned.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scheduledAt' });
    expect(await app.admin`select 1 from encounters where patient_id = ${p.patientId}`).toHaveLength(0);

    // Birth day itself and a past visit are fine; so is a planned one next week.
    await createEncounter(p.id, { encounterAt: '1962-09-30T10:00:00Z' });
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const planned = await createEncounter(p.id, { encounterType: 'FOLLOW_UP', scheduledAt: nextWeek });
    expect(planned.encounterAt).toBe(nextWeek);
    // Started early, it happens now, not next week.
    const started = (await ok(START, { i: { id: planned.id, version: planned.version } })).startEncounter.encounter;
    expect(Date.parse(started.encounterAt)).toBeLessThanOrEqual(Date.now());
  });

  it('a BILLING user cannot be an encounter provider; a physician or nurse can', async () => {
    const p = await createPatient();
    const billing = refusal(await app.gql(CREATE, { i: { patientId: p.id, encounterType: 'OUTPATIENT', providerId: toGlobalId('User', org.users.BILLING.id) } }, tokens.PHYSICIAN));
    expect(billing.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId', requiredRoles: ['PHYSICIAN', 'NURSE'] });
    // ORG_ADMIN holds every permission but no clinical role: it cannot default itself in as the provider.
    expect(refusal(await app.gql(CREATE, { i: { patientId: p.id, encounterType: 'OUTPATIENT' } }, tokens.ORG_ADMIN)).extensions.field).toBe('providerId');
    await createEncounter(p.id, { providerId: toGlobalId('User', org.users.NURSE.id) });
  });
});
