import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { organizationToday } from '../../src/kernel/organization-time.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 20, finding 10: "today" is the organization's date, not the UTC date. Kiritimati (UTC+14) and
 * Pago Pago (UTC−11) differ from UTC by a date for most of every day: at any instant at least one of them does.
 */

let app: TestApp;
const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'] as const;
const orgs = {} as Record<(typeof zones)[number], { org: TestOrganization; tokens: Record<Role, string> }>;

beforeAll(async () => {
  app = await createTestApp();
  for (const zone of zones) {
    const org = await createOrganization(app.admin, `today-${zone.split('/')[1]!.toLowerCase().replace('_', '-')}`);
    await app.admin`update organizations set timezone = ${zone} where id = ${org.id}`;
    orgs[zone] = { org, tokens: await tokensByRole(app, org) };
  }
});
afterAll(() => app.close());

const CREATE_PATIENT = `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id dateOfBirth } } }`;
const RECORD_ALLERGY = `mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { drugAllergy { onsetDate } } }`;
const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { startDate } } }`;

function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function firstError(res: GraphQLResponse) {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
}

describe("the organization's today", () => {
  it('at least one of the two zones is on another date than UTC right now', () => {
    const now = new Date();
    const utc = now.toISOString().slice(0, 10);
    expect(zones.some((zone) => organizationToday(zone, now) !== utc)).toBe(true);
  });

  it.each(zones)('%s: a date of birth of the local today is accepted, the local tomorrow refused', async (zone) => {
    const { tokens } = orgs[zone];
    const today = organizationToday(zone, new Date());
    const born = await app.gql(CREATE_PATIENT, { i: { firstName: 'Newborn', lastName: 'Today', dateOfBirth: today } }, tokens.FRONT_DESK);
    expect(born.errors).toBeUndefined();
    expect(born.data?.createPatient.patient.dateOfBirth).toBe(today);
    const tomorrow = await app.gql(CREATE_PATIENT, { i: { firstName: 'Unborn', lastName: 'Tomorrow', dateOfBirth: dayAfter(today) } }, tokens.FRONT_DESK);
    expect(firstError(tomorrow).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dateOfBirth', today });
  });

  it.each(zones)('%s: allergy onset dates and default prescription start dates use the local today', async (zone) => {
    const { tokens } = orgs[zone];
    const today = organizationToday(zone, new Date());
    const patient = await app.gql(CREATE_PATIENT, { i: { firstName: 'Local', lastName: 'Day', dateOfBirth: '1990-01-01' } }, tokens.FRONT_DESK);
    const patientId = patient.data!.createPatient.patient.id;
    const onset = await app.gql(RECORD_ALLERGY, { i: { patientId, allergen: 'Latex', onsetDate: today } }, tokens.NURSE);
    expect(onset.data?.recordDrugAllergy.drugAllergy.onsetDate).toBe(today);
    const future = await app.gql(RECORD_ALLERGY, { i: { patientId, allergen: 'Latex', onsetDate: dayAfter(today) } }, tokens.NURSE);
    expect(firstError(future).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'onsetDate' });
    const rx = await app.gql(PRESCRIBE, { i: { patientId, medicationName: 'Metformin 500 mg', dosage: '500 mg', route: 'ORAL', frequency: 'twice daily' } }, tokens.PHYSICIAN);
    expect(rx.data?.prescribeMedication.prescription.startDate).toBe(today);
  });
});
