import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let north: TestOrganization;
let south: TestOrganization;
let token: string;
let southPatient: { patientId: string; id: string };
let southEncounter: string;

beforeAll(async () => {
  app = await createTestApp();
  north = await createOrganization(app.admin, 'north');
  south = await createOrganization(app.admin, 'south');
  const [p] = await app.admin<{ id: string }[]>`
    insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
    values (${south.id}, 'SOUTH-001', 'Southern', 'Patient', '1975-05-05') returning id`;
  southPatient = { patientId: p!.id, id: toGlobalId('Patient', p!.id) };
  const [e] = await app.admin<{ id: string }[]>`
    insert into encounters (organization_id, patient_id, provider_id, encounter_type)
    values (${south.id}, ${p!.id}, ${south.users.PHYSICIAN.id}, 'OUTPATIENT') returning id`;
  southEncounter = e!.id;
  await app.admin`insert into vital_signs (organization_id, patient_id, encounter_id, heart_rate) values (${south.id}, ${p!.id}, ${e!.id}, 80)`;
  token = (await login(app, north.users.ORG_ADMIN.email)).accessToken;
});
afterAll(() => app.close());

describe('patients and encounters across organizations', () => {
  it('no read path returns another organization\'s patient or encounter', async () => {
    const q = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await app.gql(query, variables, token);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data as any;
    };
    expect((await q(`query($id: ID!) { patient(id: $id) { mrn } }`, { id: southPatient.id })).patient).toBeNull();
    expect((await q(`query($id: ID!) { patient(id: $id) { mrn } }`, { id: southPatient.patientId })).patient).toBeNull();
    expect((await q(`{ patientByMrn(mrn: "SOUTH-001") { mrn } }`)).patientByMrn).toBeNull();
    expect((await q(`query($id: ID!) { node(id: $id) { id } }`, { id: southPatient.id })).node).toBeNull();
    expect((await q(`query($id: ID!) { encounter(id: $id) { id } }`, { id: southEncounter })).encounter).toBeNull();
    expect((await q(`query($id: ID!) { node(id: $id) { id } }`, { id: toGlobalId('Encounter', southEncounter) })).node).toBeNull();
    expect((await q(`{ patients(first: 1000, filter: { search: "southern" }) { totalCount edges { node { mrn } } } }`)).patients).toEqual({ totalCount: 0, edges: [] });
    expect((await q(`query($p: ID) { encounters(first: 100, filter: { patientId: $p }) { totalCount edges { node { id } } } }`, { p: southPatient.id })).encounters).toEqual({ totalCount: 0, edges: [] });
    const all = await q(`{ encounters(first: 1000) { edges { node { encounterId } } } }`);
    expect(all.encounters.edges.some((e: any) => e.node.encounterId === southEncounter)).toBe(false);
  });

  it('no write path touches another organization\'s patient', async () => {
    const calls: [string, Record<string, unknown>][] = [
      [`mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { id } } }`, { i: { id: southPatient.id, version: 1, firstName: 'Hijack' } }],
      [`mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { patient { id } } }`, { i: { id: southPatient.id, version: 1 } }],
      [`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: southPatient.id, version: 1 } }],
      [`mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`, { i: { patientId: southPatient.id, encounterType: 'OUTPATIENT' } }],
      [`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, { i: { patientId: southPatient.id, heartRate: 70 } }],
      [`mutation($i: StartEncounterInput!) { startEncounter(input: $i) { encounter { id } } }`, { i: { id: southEncounter, version: 1 } }],
      [`mutation($i: CancelEncounterInput!) { cancelEncounter(input: $i) { encounter { id } } }`, { i: { id: southEncounter, version: 1, reason: 'x' } }],
    ];
    for (const [query, variables] of calls) {
      const res = await app.gql(query, variables, token);
      expect(res.errors?.[0]?.extensions.code, query).toBe('NOT_FOUND');
    }
    const [patient] = await app.admin`select first_name, status, version, deleted_at from ehr_patients where id = ${southPatient.patientId}`;
    expect(patient).toEqual({ first_name: 'Southern', status: 'ACTIVE', version: 1, deleted_at: null });
    const [encounter] = await app.admin`select status, version from encounters where id = ${southEncounter}`;
    expect(encounter).toEqual({ status: 'PLANNED', version: 1 });
    expect(await app.admin`select 1 from encounters where patient_id = ${southPatient.patientId}`).toHaveLength(1);
    expect(await app.admin`select 1 from vital_signs where patient_id = ${southPatient.patientId}`).toHaveLength(1);
    expect(await app.admin`select 1 from audit_log where organization_id = ${south.id}`).toHaveLength(0);
  });

  it('a provider from another organization cannot be attached to an encounter', async () => {
    const [p] = await app.admin<{ id: string }[]>`
      insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
      values (${north.id}, 'NORTH-001', 'Northern', 'Patient', '1980-01-01') returning id`;
    const res = await app.gql(
      `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`,
      { i: { patientId: p!.id, providerId: south.users.PHYSICIAN.id, encounterType: 'OUTPATIENT' } },
      token,
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId' });
  });
});
