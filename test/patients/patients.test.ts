import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import type { Role } from '../../src/kernel/auth/permissions.js';

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'north');
  tokens = await tokensByRole(app, org);
});
afterAll(() => app.close());

const CREATE = `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId mrn firstName lastName dateOfBirth status version address { city country } } } }`;
const UPDATE = `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { firstName phone version } } }`;

async function createPatient(input: Record<string, unknown>, token = tokens.FRONT_DESK) {
  const res = await app.gql(CREATE, { i: { firstName: 'Amina', lastName: 'Otieno', dateOfBirth: '1980-04-02', ...input } }, token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.createPatient.patient;
}

describe('patients', () => {
  it('registers a patient with a generated MRN and an audit row', async () => {
    const p = await createPatient({ city: 'Nairobi', country: 'ke' });
    expect(p).toMatchObject({ firstName: 'Amina', status: 'ACTIVE', version: 1, address: { city: 'Nairobi', country: 'KE' } });
    expect(p.mrn).toMatch(/^MRN-\d{6}$/);
    const audit = await app.admin`select actor_user_id, changes from audit_log where entity_id = ${p.patientId} and action = 'patient.create'`;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_user_id).toBe(org.users.FRONT_DESK.id);
    expect(audit[0]!.changes.after.firstName).toBe('Amina');
  });

  it('refuses a duplicate MRN with CONFLICT and bad input naming the field', async () => {
    await createPatient({ mrn: 'ABC-1234' });
    const dup = await app.gql(CREATE, { i: { firstName: 'X', lastName: 'Y', dateOfBirth: '1990-01-01', mrn: 'abc-1234' } }, tokens.FRONT_DESK);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'mrn' });
    const future = await app.gql(CREATE, { i: { firstName: 'X', lastName: 'Y', dateOfBirth: '2999-01-01' } }, tokens.FRONT_DESK);
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dateOfBirth' });
    const blank = await app.gql(CREATE, { i: { firstName: '  ', lastName: 'Y', dateOfBirth: '1990-01-01' } }, tokens.FRONT_DESK);
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'firstName' });
    const mrn = await app.gql(CREATE, { i: { firstName: 'X', lastName: 'Y', dateOfBirth: '1990-01-01', mrn: 'no spaces!' } }, tokens.FRONT_DESK);
    expect(mrn.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mrn' });
    const date = await app.gql(CREATE, { i: { firstName: 'X', lastName: 'Y', dateOfBirth: '1990-13-45' } }, tokens.FRONT_DESK);
    expect(date.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('updates with the version the client saw; a stale version is CONFLICT and changes nothing', async () => {
    const p = await createPatient({});
    const ok = await app.gql(UPDATE, { i: { id: p.id, version: 1, phone: '+254 700 000 001' } }, tokens.NURSE);
    expect(ok.data?.updatePatient.patient).toEqual({ firstName: 'Amina', phone: '+254 700 000 001', version: 2 });
    const stale = await app.gql(UPDATE, { i: { id: p.id, version: 1, firstName: 'Overwritten' } }, tokens.NURSE);
    expect(stale.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const read = await app.gql(`query($id: ID!) { patient(id: $id) { firstName version } }`, { id: p.id }, tokens.NURSE);
    expect(read.data?.patient).toEqual({ firstName: 'Amina', version: 2 });
    const [audit] = await app.admin`select changes from audit_log where entity_id = ${p.patientId} and action = 'patient.update'`;
    expect(audit!.changes).toEqual({ before: { phone: null }, after: { phone: '+254 700 000 001' } });
  });

  it('finds by MRN, by id and by node; soft-deleted patients vanish from every query but stay in the table', async () => {
    const p = await createPatient({ mrn: 'DEL-0001' });
    expect((await app.gql(`{ patientByMrn(mrn: "del-0001") { patientId } }`, {}, tokens.NURSE)).data?.patientByMrn.patientId).toBe(p.patientId);
    expect((await app.gql(`query($id: ID!) { node(id: $id) { ... on Patient { mrn } } }`, { id: p.id }, tokens.NURSE)).data?.node.mrn).toBe('DEL-0001');
    const del = await app.gql(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: p.id, version: 1 } }, tokens.FRONT_DESK);
    expect(del.data?.deletePatient.deletedPatientId).toBe(p.id);
    expect((await app.gql(`query($id: ID!) { patient(id: $id) { mrn } }`, { id: p.id }, tokens.NURSE)).data?.patient).toBeNull();
    expect((await app.gql(`{ patientByMrn(mrn: "DEL-0001") { mrn } }`, {}, tokens.NURSE)).data?.patientByMrn).toBeNull();
    const [row] = await app.admin`select deleted_at from ehr_patients where id = ${p.patientId}`;
    expect(row!.deleted_at).toBeInstanceOf(Date);
  });

  it('deactivates as DECEASED only with a time of death', async () => {
    const p = await createPatient({});
    const missing = await app.gql(`mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { patient { status } } }`, { i: { id: p.id, version: 1, status: 'DECEASED' } }, tokens.PHYSICIAN);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deceasedAt' });
    const ok = await app.gql(`mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { patient { status deceasedAt } } }`, { i: { id: p.id, version: 1, status: 'DECEASED', deceasedAt: '2026-01-02T03:04:05Z' } }, tokens.PHYSICIAN);
    expect(ok.data?.deactivatePatient.patient).toEqual({ status: 'DECEASED', deceasedAt: '2026-01-02T03:04:05.000Z' });
  });

  it('a failure injected at the end of the transaction leaves neither the patient nor an audit row', async () => {
    await app.admin`alter table audit_log add constraint reject_patient_create check (action <> 'patient.create') not valid`;
    try {
      const res = await app.gql(CREATE, { i: { firstName: 'Ghost', lastName: 'Rollback', dateOfBirth: '1990-01-01', mrn: 'GHOST-01' } }, tokens.FRONT_DESK);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_patient_create`;
    }
    expect(await app.admin`select 1 from ehr_patients where mrn = 'GHOST-01'`).toHaveLength(0);
    expect(await app.admin`select 1 from audit_log where action = 'patient.create' and changes->'after'->>'mrn' = 'GHOST-01'`).toHaveLength(0);
  });

  it('searches full text, filters and orders', async () => {
    await createPatient({ firstName: 'Zawadi', lastName: 'Kamau', dateOfBirth: '2001-05-05', email: 'zawadi@example.test' });
    const search = await app.gql(`{ patients(first: 10, filter: { search: "zawa kam" }) { totalCount edges { node { firstName } } } }`, {}, tokens.NURSE);
    expect(search.data?.patients).toEqual({ totalCount: 1, edges: [{ node: { firstName: 'Zawadi' } }] });
    const born = await app.gql(`{ patients(first: 10, filter: { bornFrom: "2001-01-01", bornTo: "2001-12-31" }) { edges { node { firstName } } } }`, {}, tokens.NURSE);
    expect(born.data?.patients.edges.map((e: any) => e.node.firstName)).toEqual(['Zawadi']);
    const byDob = await app.gql(`{ patients(first: 2, orderBy: { field: DATE_OF_BIRTH, direction: DESC }) { edges { node { dateOfBirth } } } }`, {}, tokens.NURSE);
    expect(byDob.data?.patients.edges[0].node.dateOfBirth).toBe('2001-05-05');
  });
});

describe('encounters and vital signs', () => {
  it('runs an encounter through its life cycle and refuses invalid transitions', async () => {
    const p = await createPatient({});
    const created = await app.gql(`mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id status version provider { userId } patient { patientId } } } }`, { i: { patientId: p.id, encounterType: 'OUTPATIENT', reason: 'Cough' } }, tokens.PHYSICIAN);
    const e = created.data!.createEncounter.encounter;
    expect(e).toMatchObject({ status: 'PLANNED', version: 1, provider: { userId: org.users.PHYSICIAN.id }, patient: { patientId: p.patientId } });
    const complete = await app.gql(`mutation($i: CompleteEncounterInput!) { completeEncounter(input: $i) { encounter { status } } }`, { i: { id: e.id, version: 1 } }, tokens.PHYSICIAN);
    expect(complete.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(complete.errors?.[0]?.message).toMatch(/PLANNED to COMPLETED/);
    const start = await app.gql(`mutation($i: StartEncounterInput!) { startEncounter(input: $i) { encounter { status startedAt version } } }`, { i: { id: e.id, version: 1 } }, tokens.PHYSICIAN);
    expect(start.data?.startEncounter.encounter).toMatchObject({ status: 'IN_PROGRESS', version: 2 });
    const done = await app.gql(`mutation($i: CompleteEncounterInput!) { completeEncounter(input: $i) { encounter { status endedAt dischargeDisposition } } }`, { i: { id: e.id, version: 2, dischargeDisposition: 'Home' } }, tokens.PHYSICIAN);
    expect(done.data?.completeEncounter.encounter).toMatchObject({ status: 'COMPLETED', dischargeDisposition: 'Home' });
    const cancel = await app.gql(`mutation($i: CancelEncounterInput!) { cancelEncounter(input: $i) { encounter { status } } }`, { i: { id: e.id, version: 3, reason: 'x' } }, tokens.PHYSICIAN);
    expect(cancel.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const actions = await app.admin`select action from audit_log where entity_id = ${idOf(e.id)} order by occurred_at`;
    expect(actions.map((a) => a.action)).toEqual(['encounter.create', 'encounter.start', 'encounter.complete']);
  });

  it('records vital signs with abnormal flags and refuses impossible values', async () => {
    const p = await createPatient({});
    const ok = await app.gql(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { systolicBp temperatureC isAbnormal abnormalFlags recordedBy { userId } } } }`, { i: { patientId: p.id, systolicBp: 165, diastolicBp: 95, temperatureC: 38.4, spo2: 97 } }, tokens.NURSE);
    expect(ok.data?.recordVitalSigns.vitalSigns).toEqual({
      systolicBp: 165, temperatureC: '38.4', isAbnormal: true,
      abnormalFlags: ['SYSTOLIC_BP_HIGH', 'DIASTOLIC_BP_HIGH', 'TEMPERATURE_HIGH'], recordedBy: { userId: org.users.NURSE.id },
    });
    const impossible = await app.gql(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, { i: { patientId: p.id, heartRate: 400 } }, tokens.NURSE);
    expect(impossible.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'heartRate' });
    const inverted = await app.gql(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, { i: { patientId: p.id, systolicBp: 80, diastolicBp: 90 } }, tokens.NURSE);
    expect(inverted.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'diastolicBp' });
    const empty = await app.gql(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, { i: { patientId: p.id } }, tokens.NURSE);
    expect(empty.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses vital signs on another patient\'s encounter', async () => {
    const a = await createPatient({});
    const b = await createPatient({});
    const e = (await app.gql(`mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`, { i: { patientId: a.id, encounterType: 'OUTPATIENT' } }, tokens.PHYSICIAN)).data!.createEncounter.encounter;
    const res = await app.gql(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, { i: { patientId: b.id, encounterId: e.id, heartRate: 70 } }, tokens.NURSE);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterId' });
  });

  it('pages a patient\'s encounters newest first with counts', async () => {
    const p = await createPatient({});
    for (let i = 0; i < 5; i++) {
      await app.gql(`mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`, { i: { patientId: p.id, encounterType: 'FOLLOW_UP', encounterAt: `2026-0${i + 1}-10T10:00:00Z` } }, tokens.PHYSICIAN);
    }
    const res = await app.gql(`query($id: ID!) { patient(id: $id) { summary { encounterCount lastEncounterAt } encounters(first: 2) { totalCount edges { node { encounterAt } } pageInfo { hasNextPage endCursor } } } }`, { id: p.id }, tokens.PHYSICIAN);
    const patient = res.data!.patient;
    expect(patient.summary).toEqual({ encounterCount: 5, lastEncounterAt: '2026-05-10T10:00:00.000Z' });
    expect(patient.encounters.totalCount).toBe(5);
    expect(patient.encounters.edges.map((e: any) => e.node.encounterAt)).toEqual(['2026-05-10T10:00:00.000Z', '2026-04-10T10:00:00.000Z']);
    const next = await app.gql(`query($id: ID!, $after: String) { patient(id: $id) { encounters(first: 10, after: $after) { edges { node { encounterAt } } pageInfo { hasNextPage } } } }`, { id: p.id, after: patient.encounters.pageInfo.endCursor }, tokens.PHYSICIAN);
    expect(next.data?.patient.encounters.edges).toHaveLength(3);
    expect(next.data?.patient.encounters.pageInfo.hasNextPage).toBe(false);
  });
});

function idOf(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
}
