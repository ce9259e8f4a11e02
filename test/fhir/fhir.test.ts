import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { seedPatientRecords, type Records } from '../helpers/patient-records.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { fhirValidator } from './fhir-schema.js';

/**
 * The FHIR R4 API over a patient with every kind of record (test/helpers/patient-records.ts) plus a complete set
 * of vital signs: every emitted resource validates against HL7's JSON schema, codes use the right systems, and
 * the GraphQL guarantees hold (tenant isolation, roles, PHI masking, the access log).
 */

let app: TestApp;
let orgA: TestOrganization;
let orgB: TestOrganization;
let tokensA: Record<Role, string>;
let tokensB: Record<Role, string>;
let records: Records;
let patientId: string;
let base: string;
let validate: ReturnType<typeof fhirValidator>;

beforeAll(async () => {
  validate = fhirValidator();
  app = await createTestApp();
  orgA = await createOrganization(app.admin, 'fhir-a');
  orgB = await createOrganization(app.admin, 'fhir-b');
  tokensA = await tokensByRole(app, orgA);
  tokensB = await tokensByRole(app, orgB);
  records = await seedPatientRecords(app, orgA, tokensA);
  patientId = records.Patient!;
  // Every measurement, flagged: blood pressure panel, heart rate, respiratory rate, SpO2, BMI from weight and height.
  await app.admin`
    insert into vital_signs (organization_id, patient_id, encounter_id, recorded_by, systolic_bp, diastolic_bp, heart_rate,
      respiratory_rate, temperature_c, spo2, weight_kg, height_cm, pain_score, is_abnormal, abnormal_flags)
    values (${orgA.id}, ${patientId}, ${records.Encounter!}, ${orgA.users.NURSE.id}, 150, 95, 110, 22, 37.1, 91, 80, 180, 4, true,
      '{SYSTOLIC_BP_HIGH,DIASTOLIC_BP_HIGH,HEART_RATE_HIGH,SPO2_LOW}')`;
  await app.admin`
    insert into lab_results (organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
      reference_low, reference_high, abnormal_flag, status)
    values (${orgA.id}, ${records.LabTest!}, ${patientId}, 'Glucose', '2345-7', '180', 180, 'mg/dL', 70, 99, 'HIGH', 'FINAL')`;
  base = app.api.url.replace(/\/graphql$/, '/fhir/R4');
}, 120_000);
afterAll(() => app?.close());

const get = async (path: string, token?: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
};
const getJson = async (path: string, token?: string) => {
  const res = await get(path, token);
  return { ...res, body: JSON.parse(res.text) as any };
};

/** Every resource of a Bundle, following `next` links to the end. */
async function everything(path: string, token: string): Promise<any[]> {
  const resources: any[] = [];
  let next: string | undefined = path;
  for (let pages = 0; next; pages++) {
    expect(pages).toBeLessThan(100);
    const { status, body } = await getJson(next, token);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(validate(body)).toEqual([]);
    resources.push(...(body.entry ?? []).map((e: any) => e.resource));
    const link = body.link.find((l: any) => l.relation === 'next')?.url as string | undefined;
    next = link?.slice(link.indexOf('/fhir/R4') + '/fhir/R4'.length);
  }
  return resources;
}

/** FHIR ele-1: no element is present but empty. */
function emptyElements(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => emptyElements(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyElements(v, `${path}.${k}`));
  }
  return value === '' || value === null ? [path] : [];
}

/** Every key anywhere in a resource. */
const keysOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap(keysOf) : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];

const codings = (resources: any[]) => resources.flatMap((r) => JSON.stringify(r).match(/"system":"[^"]+","code":"[^"]+"/g) ?? []);
const phiRows = async () => (await app.admin<{ n: number }[]>`select count(*)::int as n from phi_access_log where ${patientId}::uuid = any(patient_ids)`)[0]!.n;

describe('FHIR R4 output is valid', () => {
  it('serves a CapabilityStatement without a token', async () => {
    const { status, type, body } = await getJson('/metadata');
    expect(status).toBe(200);
    expect(type).toContain('application/fhir+json');
    expect(body.resourceType).toBe('CapabilityStatement');
    expect(validate(body)).toEqual([]);
  });

  it.each(['PHYSICIAN', 'ANALYST'] as const)('every resource $everything emits for %s validates against fhir.schema.json, 0 invalid', async (role) => {
    const resources = await everything(`/Patient/${patientId}/$everything`, tokensA[role]);
    const types = new Set(resources.map((r) => r.resourceType));
    expect([...types].sort()).toEqual(['AllergyIntolerance', 'Condition', 'DiagnosticReport', 'Encounter', 'MedicationRequest', 'Observation', 'Patient', 'ServiceRequest']);
    const invalid = resources.flatMap(validate);
    expect(invalid).toEqual([]);
    expect(resources.flatMap((r) => emptyElements(r, r.resourceType))).toEqual([]);
    // Both observation categories, and imaging as well as laboratory orders.
    const categories = resources.flatMap((r) => (r.category ?? []).flatMap((c: any) => c.coding?.map((x: any) => x.code) ?? []));
    expect(categories).toEqual(expect.arrayContaining(['vital-signs', 'laboratory', '108252007', '363679005', 'problem-list-item', 'LAB']));
  });

  it('codes vital signs with LOINC and UCUM, interpretation from the abnormal flags', async () => {
    const resources = await everything(`/Observation?patient=${patientId}&category=vital-signs&_count=1000`, tokensA.PHYSICIAN);
    const byCode = new Map(resources.filter((r) => r.status === 'final').map((r) => [r.code.coding[0].code, r]));
    expect([...byCode.keys()].sort()).toEqual(['29463-7', '39156-5', '59408-5', '72514-3', '8302-2', '8310-5', '85354-9', '8867-4', '9279-1']);
    for (const r of resources) {
      expect(r.category[0].coding[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' });
      expect(r.code.coding[0].system).toBe('http://loinc.org');
      for (const q of [r.valueQuantity, ...(r.component ?? []).map((c: any) => c.valueQuantity)].filter(Boolean)) expect(q.system).toBe('http://unitsofmeasure.org');
    }
    const bp = byCode.get('85354-9');
    expect(bp.component.map((c: any) => [c.code.coding[0].code, c.valueQuantity.value, c.valueQuantity.code, c.interpretation[0].coding[0].code])).toEqual([
      ['8480-6', 150, 'mm[Hg]', 'H'],
      ['8462-4', 95, 'mm[Hg]', 'H'],
    ]);
    expect(byCode.get('8867-4').interpretation[0].coding[0].code).toBe('H');
    expect(byCode.get('59408-5').interpretation[0].coding[0].code).toBe('L');
    expect(byCode.get('59408-5').code.coding.map((c: any) => c.code)).toEqual(['59408-5', '2708-6']);
    expect(byCode.get('8310-5').valueQuantity).toMatchObject({ value: 37.1, code: 'Cel' });
    expect(byCode.get('39156-5').valueQuantity).toMatchObject({ value: 24.7, code: 'kg/m2' });
    // The seeded set entered in error (issue 20) stays, marked.
    expect(resources.filter((r) => r.status === 'entered-in-error').map((r) => r.id)).toEqual(
      expect.arrayContaining([`${records.VitalSigns}-temp`, `${records.VitalSigns}-wt`, `${records.VitalSigns}-ht`]),
    );
  });

  it('uses the code systems the data names: ICD-10, LOINC, SNOMED routes, per-organization MRN system', async () => {
    const resources = await everything(`/Patient/${patientId}/$everything?_count=1000`, tokensA.PHYSICIAN);
    const coded = codings(resources);
    expect(coded).toEqual(expect.arrayContaining([
      '"system":"http://hl7.org/fhir/sid/icd-10","code":"B54"',
      '"system":"http://loinc.org","code":"2345-7"',
      '"system":"http://snomed.info/sct","code":"26643006"',
    ]));
    const patient = resources.find((r) => r.resourceType === 'Patient');
    expect(patient.identifier).toEqual([expect.objectContaining({ system: `urn:health-graphql:organization:${orgA.id}:mrn`, value: 'PHI-0001' })]);
    expect(patient.birthDate).toBe('1970-05-17');
    const report = resources.find((r) => r.resourceType === 'DiagnosticReport');
    expect(report.result.length).toBeGreaterThanOrEqual(2);
  });

  it('Patient.fhir and patientEverything answer the same resources over GraphQL', async () => {
    const res = await app.gql(
      `query($id: ID!) { patient(id: $id) { fhir } patientEverything(id: $id, first: 1000) }`,
      { id: patientId },
      tokensA.PHYSICIAN,
    );
    expect(res.errors).toBeUndefined();
    const rest = await getJson(`/Patient/${patientId}`, tokensA.PHYSICIAN);
    expect(res.data!.patient.fhir).toEqual(rest.body);
    const bundle = res.data!.patientEverything;
    expect(validate(bundle)).toEqual([]);
    const viaRest = await everything(`/Patient/${patientId}/$everything?_count=1000`, tokensA.PHYSICIAN);
    expect(bundle.entry.map((e: any) => e.resource)).toEqual(viaRest);
  });
});

describe('paging, filters and the NDJSON export', () => {
  it('pages with _count and next links through the same resources', async () => {
    const all = await everything(`/Patient/${patientId}/$everything?_count=1000`, tokensA.PHYSICIAN);
    const paged = await everything(`/Patient/${patientId}/$everything?_count=2`, tokensA.PHYSICIAN);
    expect(paged.map((r) => `${r.resourceType}/${r.id}`)).toEqual(all.map((r) => `${r.resourceType}/${r.id}`));
  });

  it('filters by _type and _since', async () => {
    const conditions = await everything(`/Patient/${patientId}/$everything?_type=Condition,AllergyIntolerance`, tokensA.PHYSICIAN);
    expect(new Set(conditions.map((r) => r.resourceType))).toEqual(new Set(['Condition', 'AllergyIntolerance']));
    // The database's clock: every row so far changed before `since`, the problem (its trigger stamps updated_at) after.
    const [{ since }] = await app.admin<[{ since: string }]>`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as since`;
    await app.admin`update problem_list set severity = 'MODERATE' where id = ${records.Problem!}`;
    const changed = await everything(`/Patient/${patientId}/$everything?_since=${encodeURIComponent(since)}`, tokensA.PHYSICIAN);
    expect(changed.map((r) => r.id)).toEqual([records.Problem]);
  });

  it('refuses bad parameters with a 400 OperationOutcome', async () => {
    for (const query of ['_count=1001', '_count=0', '_type=Invoice', '_since=yesterday', '_cursor=forged']) {
      const { status, body } = await getJson(`/Patient/${patientId}/$everything?${query}`, tokensA.PHYSICIAN);
      expect(status, query).toBe(400);
      expect(body.resourceType).toBe('OperationOutcome');
      expect(validate(body)).toEqual([]);
    }
    expect((await getJson(`/Observation?category=vital-signs`, tokensA.PHYSICIAN)).status).toBe(400);
  });

  it('streams $everything as NDJSON, the same resources one per line', async () => {
    const all = await everything(`/Patient/${patientId}/$everything?_count=1000`, tokensA.PHYSICIAN);
    const requests: { query: string; headers: Record<string, string> }[] = [
      { query: '?_outputFormat=application/fhir%2Bndjson', headers: {} },
      { query: '', headers: { accept: 'application/fhir+ndjson' } },
    ];
    for (const request of requests) {
      const res = await get(`/Patient/${patientId}/$everything${request.query}`, tokensA.PHYSICIAN, request.headers);
      expect(res.status).toBe(200);
      expect(res.type).toContain('application/fhir+ndjson');
      const lines = res.text.trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(lines).toEqual(all);
      expect(lines.flatMap(validate)).toEqual([]);
    }
  });
});

describe('the same guarantees as GraphQL', () => {
  it('never shows org B anything of org A: 404 exactly as for an id that does not exist', async () => {
    const missing = randomUUID();
    const paths = (id: string) => [`/Patient/${id}`, `/Patient/${id}/$everything`, `/Observation?patient=${id}&category=vital-signs`, `/Patient/${id}/$everything?_outputFormat=ndjson`];
    for (const role of ROLES.filter((r) => r !== 'COMPLIANCE_OFFICER' && r !== 'FRONT_DESK' && r !== 'BILLING')) {
      const foreign = await Promise.all(paths(patientId).map((p) => getJson(p, tokensB[role])));
      const absent = await Promise.all(paths(missing).map((p) => getJson(p, tokensB[role])));
      for (const [i, res] of foreign.entries()) {
        expect(res.status, `${role} ${paths(patientId)[i]}`).toBe(404);
        expect(res.body.resourceType).toBe('OperationOutcome');
        expect(res.body.issue[0].code).toBe(absent[i]!.body.issue[0].code);
        expect(res.text).not.toContain('PHI-0001');
      }
    }
    const gql = await app.gql(`query($id: ID!) { patientEverything(id: $id) }`, { id: patientId }, tokensB.PHYSICIAN);
    expect(gql.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('answers 401 without or with a bad token, 403 to roles without clinical:read', async () => {
    expect((await getJson(`/Patient/${patientId}`)).status).toBe(401);
    const bad = await getJson(`/Patient/${patientId}`, 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.body.resourceType).toBe('OperationOutcome');
    for (const role of ['FRONT_DESK', 'BILLING', 'COMPLIANCE_OFFICER'] as const) {
      expect((await getJson(`/Patient/${patientId}`, tokensA[role])).status, role).toBe(200);
      const denied = await getJson(`/Patient/${patientId}/$everything`, tokensA[role]);
      expect(denied.status, role).toBe(403);
      expect(denied.body.issue[0].code).toBe('forbidden');
    }
    expect((await fetch(`${base}/Patient/${patientId}`, { method: 'DELETE', headers: { authorization: `Bearer ${tokensA.PHYSICIAN}` } })).status).toBe(405);
  });

  it('gives ANALYST no identifiers or free text anywhere: no identifier, name, text, note, telecom, address', async () => {
    const resources = [
      ...(await everything(`/Patient/${patientId}/$everything?_count=1000`, tokensA.ANALYST)),
      (await getJson(`/Patient/${patientId}`, tokensA.ANALYST)).body,
    ];
    const gql = await app.gql(`query($id: ID!) { patient(id: $id) { fhir } patientEverything(id: $id, first: 1000) }`, { id: patientId }, tokensA.ANALYST);
    resources.push(gql.data!.patient.fhir, ...gql.data!.patientEverything.entry.map((e: any) => e.resource));
    const forbidden = new Set(['identifier', 'name', 'text', 'note', 'telecom', 'address', 'contact', 'patientInstruction']);
    for (const resource of resources) {
      expect(keysOf(resource).filter((k) => forbidden.has(k)), `${resource.resourceType}/${resource.id}`).toEqual([]);
    }
    const text = JSON.stringify(resources);
    for (const value of ['PHI-0001', 'Wanjiru', 'Kamau', '1970-05-17', 'Riverside', 'Travel history', 'Hives', 'Take with food', 'Suspected malaria']) {
      expect(text).not.toContain(value);
    }
    // What ANALYST does read stays: coded data and the birth year.
    expect(resources.find((r) => r.resourceType === 'Patient').birthDate).toBe('1970');
    expect(text).toContain('B54');
  });

  it('writes a PHI access row for every FHIR read, REST and GraphQL', async () => {
    const reads: (() => Promise<unknown>)[] = [
      () => getJson(`/Patient/${patientId}`, tokensA.NURSE),
      () => getJson(`/Patient/${patientId}/$everything`, tokensA.NURSE),
      () => get(`/Patient/${patientId}/$everything?_outputFormat=ndjson`, tokensA.NURSE),
      () => getJson(`/Observation?patient=${patientId}&category=vital-signs`, tokensA.NURSE),
      () => app.gql(`query($id: ID!) { patientEverything(id: $id) }`, { id: patientId }, tokensA.NURSE),
    ];
    for (const read of reads) {
      const before = await phiRows();
      await read();
      expect(await phiRows()).toBe(before + 1);
    }
    const [row] = await app.admin<{ userId: string; operationName: string }[]>`
      select user_id as "userId", operation_name as "operationName" from phi_access_log where ${patientId}::uuid = any(patient_ids) order by accessed_at desc, id desc limit 1`;
    expect(row).toEqual({ userId: orgA.users.NURSE.id, operationName: null });
  });
});
