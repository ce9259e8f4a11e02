import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

/** Issue 20, findings 4 and 8: age-aware vital signs, plausibility, entered in error; allergies entered in error. */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'vitalsafe');
  tokens = await tokensByRole(app, org);
});
afterAll(() => app.close());

const VITALS = `id vitalSignsId recordedAt heartRate respiratoryRate temperatureC spo2 isAbnormal abnormalFlags status
  enteredInError { reason markedAt markedBy { userId } }`;
const RECORD = `mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { ${VITALS} } } }`;
const MARK = `mutation($i: MarkVitalSignsEnteredInErrorInput!) { markVitalSignsEnteredInError(input: $i) { vitalSigns { ${VITALS} } } }`;

async function ok(query: string, variables: Record<string, unknown>, token = tokens.NURSE): Promise<any> {
  return expectData(app, query, variables, token);
}

async function fails(query: string, variables: Record<string, unknown>, token = tokens.NURSE) {
  const res = await app.gql(query, variables, token);
  expect(res.errors?.length, JSON.stringify(res.data)).toBeGreaterThan(0);
  return res.errors![0]!;
}

/** The UTC date `days` days ago (the test organization's timezone is UTC). */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

async function patientBorn(dateOfBirth: string) {
  return (
    await ok(`mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId } } }`, { i: { firstName: 'Baby', lastName: 'Okafor', dateOfBirth } }, tokens.FRONT_DESK)
  ).createPatient.patient as { id: string; patientId: string };
}

const record = async (patientId: string, measurements: Record<string, unknown>) =>
  (await ok(RECORD, { i: { patientId, ...measurements } })).recordVitalSigns.vitalSigns;

describe('vital signs by age', () => {
  it('a 7-day-old with HR 65 and RR 14 is abnormal', async () => {
    const baby = await patientBorn(daysAgo(7));
    expect(await record(baby.id, { heartRate: 65, respiratoryRate: 14 })).toMatchObject({
      isAbnormal: true,
      abnormalFlags: ['HEART_RATE_LOW', 'RESPIRATORY_RATE_LOW'],
    });
  });

  it('a newborn with HR 140 and RR 45 is normal', async () => {
    const baby = await patientBorn(daysAgo(0));
    expect(await record(baby.id, { heartRate: 140, respiratoryRate: 45 })).toMatchObject({ isAbnormal: false, abnormalFlags: [], status: 'RECORDED' });
  });

  it('the age band is taken at recordedAt: a reading from the neonatal period keeps neonatal ranges', async () => {
    const child = await patientBorn(daysAgo(400));
    const atTenDays = new Date(Date.now() - 390 * 86_400_000).toISOString();
    expect(await record(child.id, { heartRate: 150, recordedAt: atTenDays })).toMatchObject({ abnormalFlags: [] });
    expect(await record(child.id, { heartRate: 150 })).toMatchObject({ abnormalFlags: [] }); // toddler: 90–150
    expect(await record(child.id, { heartRate: 170 })).toMatchObject({ abnormalFlags: ['HEART_RATE_HIGH'] });
  });

  it('adult 37.94 °C is stored as 37.9 and flagged by the stored value (not HIGH)', async () => {
    const adult = await patientBorn('1970-06-15');
    expect(await record(adult.id, { temperatureC: 37.94 })).toMatchObject({ temperatureC: '37.9', isAbnormal: false, abnormalFlags: [] });
    expect(await record(adult.id, { temperatureC: 37.96 })).toMatchObject({ temperatureC: '38.0', abnormalFlags: ['TEMPERATURE_HIGH'] });
  });

  it('accepts SpO2 45 % and 24 °C (physiological extremes), refuses impossible values', async () => {
    const adult = await patientBorn('1964-01-20');
    expect(await record(adult.id, { spo2: 45 })).toMatchObject({ spo2: 45, abnormalFlags: ['SPO2_LOW'] });
    expect(await record(adult.id, { temperatureC: 24 })).toMatchObject({ temperatureC: '24.0', abnormalFlags: ['TEMPERATURE_LOW'] });
    for (const [field, value] of [['spo2', 101], ['temperatureC', 98.6], ['spo2', 5]] as const) {
      const error = await fails(RECORD, { i: { patientId: adult.id, [field]: value } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('refuses a reading before the date of birth', async () => {
    const baby = await patientBorn(daysAgo(3));
    const before = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const error = await fails(RECORD, { i: { patientId: baby.id, heartRate: 140, recordedAt: before } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'recordedAt', reason: 'BEFORE_BIRTH' });
    expect(await app.admin`select 1 from vital_signs where patient_id = ${baby.patientId}`).toHaveLength(0);
  });
});

describe('entered in error', () => {
  it('marks a vital-sign set entered in error with its reason; it stays listed with its status; audited once', async () => {
    const adult = await patientBorn('1980-02-02');
    const v = await record(adult.id, { heartRate: 180 });
    const blank = await fails(MARK, { i: { id: v.id, reason: '  ' } });
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const marked = (await ok(MARK, { i: { id: v.id, reason: 'Recorded on the wrong patient' } })).markVitalSignsEnteredInError.vitalSigns;
    expect(marked).toMatchObject({
      heartRate: 180,
      status: 'ENTERED_IN_ERROR',
      enteredInError: { reason: 'Recorded on the wrong patient', markedBy: { userId: org.users.NURSE.id } },
    });
    const twice = await fails(MARK, { i: { id: v.id, reason: 'again' } });
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_ENTERED_IN_ERROR' });
    const listed = await ok(`query($id: ID!) { patient(id: $id) { vitalSigns(first: 5) { edges { node { vitalSignsId status } } } } }`, { id: adult.id }, tokens.PHYSICIAN);
    expect(listed.patient.vitalSigns.edges.map((e: any) => e.node)).toEqual([{ vitalSignsId: v.vitalSignsId, status: 'ENTERED_IN_ERROR' }]);
    const audit = await app.admin<{ action: string; changes: any }[]>`
      select action, changes from audit_log where entity_id = ${v.vitalSignsId} and outcome = 'SUCCESS' order by occurred_at`;
    expect(audit.map((a) => a.action)).toEqual(['vital_signs.record', 'vital_signs.enter_in_error']);
    expect(audit[1]!.changes).toMatchObject({ before: { status: 'RECORDED' }, after: { status: 'ENTERED_IN_ERROR', reason: 'Recorded on the wrong patient' } });
  });

  it('an allergy entered in error no longer blocks prescribing', async () => {
    const patient = await patientBorn('1975-09-30');
    const allergy = (
      await ok(`mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { drugAllergy { id version } } }`, {
        i: { patientId: patient.id, allergen: 'Penicillin', severity: 'LIFE_THREATENING' },
      }, tokens.PHYSICIAN)
    ).recordDrugAllergy.drugAllergy;
    const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { id status } } }`;
    const rx = { patientId: patient.id, medicationName: 'Penicillin V 500 mg tablet', dosage: '500 mg', route: 'ORAL', frequency: 'qid' };
    expect((await fails(PRESCRIBE, { i: rx }, tokens.PHYSICIAN)).extensions.code).toBe('CONFLICT');

    const MARK_ALLERGY = `mutation($i: MarkAllergyEnteredInErrorInput!) { markAllergyEnteredInError(input: $i) { drugAllergy { status version } } }`;
    const stale = await fails(MARK_ALLERGY, { i: { id: allergy.id, version: allergy.version + 1, reason: 'Wrong patient' } }, tokens.PHYSICIAN);
    expect(stale.extensions.code).toBe('CONFLICT');
    const marked = (await ok(MARK_ALLERGY, { i: { id: allergy.id, version: allergy.version, reason: 'Wrong patient' } }, tokens.PHYSICIAN)).markAllergyEnteredInError.drugAllergy;
    expect(marked).toEqual({ status: 'ENTERED_IN_ERROR', version: allergy.version + 1 });
    const again = await fails(MARK_ALLERGY, { i: { id: allergy.id, version: marked.version, reason: 'x' } }, tokens.PHYSICIAN);
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ALREADY_ENTERED_IN_ERROR' });

    expect((await ok(PRESCRIBE, { i: rx }, tokens.PHYSICIAN)).prescribeMedication.prescription.status).toBe('ACTIVE');
    const [audit] = await app.admin<{ changes: any }[]>`
      select changes from audit_log where action = 'drug_allergy.enter_in_error' and organization_id = ${org.id}`;
    expect(audit!.changes).toMatchObject({ before: { status: 'ACTIVE' }, after: { status: 'ENTERED_IN_ERROR', reason: 'Wrong patient' } });
  });
});
