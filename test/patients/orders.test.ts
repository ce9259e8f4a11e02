import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { abnormalFlag } from '../../src/patients/lab-test-rules.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  org = await createOrganization(app.admin, 'north');
  other = await createOrganization(app.admin, 'south');
  tokens = await tokensByRole(app, org);
  otherTokens = await tokensByRole(app, other);
});
afterAll(() => app.close());

const LAB = `id labTestId status version priority testName testCode specimenType collectedAt resultedAt cancelledAt
  cancellationReason orderedBy { userId } patient { patientId } encounter { encounterId }`;
const RESULT = `id labResultId analyte resultValue resultNumeric referenceLow referenceHigh abnormalFlag isAbnormal status
  resultedBy { userId } labTest { labTestId }`;
const IMAGING = `id imagingOrderId status version modality bodyPart laterality contrast priority findings impression
  reportedAt completedAt reportedBy { userId } orderedBy { userId } bodySystem { code } encounter { encounterId }`;
const FINDING = `id anatomyFindingId finding location laterality severity observedAt bodySystem { code name }
  recordedBy { userId } encounter { encounterId } patient { patientId }`;

const ORDER_LAB = `mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { ${LAB} } } }`;
const COLLECT = `mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { labTest { ${LAB} } } }`;
const RECORD = `mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { labResult { ${RESULT} } labTest { ${LAB} } } }`;
const VERIFY = `mutation($i: VerifyLabTestInput!) { verifyLabTest(input: $i) { labTest { ${LAB} } } }`;
const CANCEL = `mutation($i: CancelLabTestInput!) { cancelLabTest(input: $i) { labTest { ${LAB} } } }`;
const ORDER_IMAGING = `mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { ${IMAGING} } } }`;
const ACQUIRED = `mutation($i: RecordImagingAcquiredInput!) { recordImagingAcquired(input: $i) { imagingOrder { ${IMAGING} } } }`;
const REPORT = `mutation($i: ReportImagingInput!) { reportImaging(input: $i) { imagingOrder { ${IMAGING} } } }`;
const FIND = `mutation($i: RecordAnatomyFindingInput!) { recordAnatomyFinding(input: $i) { anatomyFinding { ${FINDING} } } }`;

/** Runs an operation that must succeed. */
async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<any> {
  return expectData(app, query, variables, token);
}

/** Runs an operation that must fail; returns the first error. */
async function fails(query: string, variables: Record<string, unknown>, token: string) {
  const res = await app.gql(query, variables, token);
  expect(res.errors?.length, JSON.stringify(res.data)).toBeGreaterThan(0);
  return res.errors![0]!;
}

async function createPatient(token = tokens.FRONT_DESK, lastName = 'Otieno') {
  const data = await ok(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId } } }`,
    { i: { firstName: 'Amina', lastName, dateOfBirth: '1980-04-02' } },
    token,
  );
  return data.createPatient.patient as { id: string; patientId: string };
}

async function createEncounter(patientId: string, token = tokens.PHYSICIAN) {
  const data = await ok(
    `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id encounterId } } }`,
    { i: { patientId, encounterType: 'OUTPATIENT' } },
    token,
  );
  return data.createEncounter.encounter as { id: string; encounterId: string };
}

async function orderLab(patientId: string, extra: Record<string, unknown> = {}, token = tokens.PHYSICIAN) {
  return (await ok(ORDER_LAB, { i: { patientId, testName: 'Basic metabolic panel', ...extra } }, token)).orderLabTest.labTest;
}

async function collectedLab(patientId: string, extra: Record<string, unknown> = {}) {
  const t = await orderLab(patientId, extra);
  return (await ok(COLLECT, { i: { id: t.id, version: t.version } }, tokens.NURSE)).collectLabSpecimen.labTest;
}

let systems: { id: string; bodySystemId: string; code: string }[] = [];
async function bodySystem(code: string) {
  if (systems.length === 0) {
    systems = (await ok(`{ bodySystems { id bodySystemId code } }`, {}, tokens.NURSE)).bodySystems;
  }
  return systems.find((s) => s.code === code)!;
}

async function auditRows(entityId: string) {
  return app.admin<{ organizationId: string; actorUserId: string; action: string; entityType: string; changes: any }[]>`
    select organization_id as "organizationId", actor_user_id as "actorUserId", action, entity_type as "entityType", changes
    from audit_log where entity_id = ${entityId} and outcome = 'SUCCESS' order by occurred_at, action`;
}

describe('abnormal flag rules', () => {
  // Issue 20: CRITICAL comes from the analyte's critical limits (table lab_critical_limits), no longer from
  // half the low or twice the high reference bound; the rule's own cases are in src/patients/lab-test-rules.test.ts.
  it('computes CRITICAL beyond the critical limits, LOW/HIGH outside the range, NORMAL inside', () => {
    const range = { referenceLow: 10, referenceHigh: 20, criticalLow: 5, criticalHigh: 40 };
    expect(abnormalFlag({ ...range, value: 4.9 })).toBe('CRITICAL_LOW');
    expect(abnormalFlag({ ...range, value: 5 })).toBe('LOW');
    expect(abnormalFlag({ ...range, value: 10 })).toBe('NORMAL');
    expect(abnormalFlag({ ...range, value: 20.5 })).toBe('HIGH');
    expect(abnormalFlag({ ...range, value: 40.1 })).toBe('CRITICAL_HIGH');
    expect(abnormalFlag({ referenceLow: 10, referenceHigh: 20, value: 1 })).toBe('LOW');
    expect(abnormalFlag({ value: null, referenceLow: null, referenceHigh: null, abnormal: true })).toBe('ABNORMAL');
    expect(abnormalFlag({ value: 5, referenceLow: null, referenceHigh: null, abnormal: false })).toBe('NORMAL');
    expect(abnormalFlag({ value: null, referenceLow: null, referenceHigh: null })).toBeNull();
  });
});

describe('lab tests', () => {
  it('runs a lab test through ORDERED → COLLECTED → RESULTED → VERIFIED with one audit row per mutation', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    const ordered = await orderLab(p.id, {
      encounterId: e.id,
      testCode: '24320-4',
      specimenType: 'Venous blood',
      priority: 'STAT',
      clinicalIndication: 'Weakness',
      notes: 'Fasting',
    });
    expect(ordered).toMatchObject({
      status: 'ORDERED',
      version: 1,
      priority: 'STAT',
      testCode: '24320-4',
      collectedAt: null,
      orderedBy: { userId: org.users.PHYSICIAN.id },
      patient: { patientId: p.patientId },
      encounter: { encounterId: e.encounterId },
    });

    const collected = (await ok(COLLECT, { i: { id: ordered.id, version: 1 } }, tokens.NURSE)).collectLabSpecimen.labTest;
    expect(collected).toMatchObject({ status: 'COLLECTED', version: 2 });
    expect(collected.collectedAt).toBeTruthy();

    const first = (
      await ok(
        RECORD,
        { i: { labTestId: ordered.labTestId, analyte: 'Sodium', resultValue: '140', resultNumeric: 140, resultUnit: 'mmol/L', referenceLow: 135, referenceHigh: 145, status: 'FINAL' } },
        tokens.NURSE,
      )
    ).recordLabResult;
    expect(first.labResult).toMatchObject({
      analyte: 'Sodium', resultNumeric: 140, referenceLow: 135, referenceHigh: 145, abnormalFlag: 'NORMAL', isAbnormal: false,
      status: 'FINAL', resultedBy: { userId: org.users.NURSE.id }, labTest: { labTestId: ordered.labTestId },
    });
    expect(first.labTest).toMatchObject({ status: 'RESULTED', version: 3 });
    expect(first.labTest.resultedAt).toBeTruthy();

    // A further component of the panel is accepted while RESULTED.
    const second = (
      await ok(RECORD, { i: { labTestId: ordered.id, analyte: 'Potassium', resultValue: '5.9', resultNumeric: 5.9, referenceLow: 3.5, referenceHigh: 5.0, status: 'FINAL' } }, tokens.NURSE)
    ).recordLabResult;
    // Issue 20: FINAL, since verification refuses preliminary results.
    expect(second.labResult).toMatchObject({ abnormalFlag: 'HIGH', isAbnormal: true, status: 'FINAL' });
    expect(second.labTest).toMatchObject({ status: 'RESULTED', version: 4 });

    const verified = (await ok(VERIFY, { i: { id: ordered.id, version: 4 } }, tokens.PHYSICIAN)).verifyLabTest.labTest;
    expect(verified).toMatchObject({ status: 'VERIFIED', version: 5 });

    const late = await fails(RECORD, { i: { labTestId: ordered.id, analyte: 'Chloride', resultValue: '100' } }, tokens.NURSE);
    expect(late.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'labTestId' });
    expect(late.message).toMatch(/VERIFIED/);

    const read = await ok(
      `query($id: ID!) { labTest(id: $id) { status notes results { analyte abnormalFlag } encounter { labTests { labTestId } } } }`,
      { id: ordered.id },
      tokens.PHYSICIAN,
    );
    expect(read.labTest).toEqual({
      status: 'VERIFIED',
      notes: 'Fasting',
      results: [{ analyte: 'Sodium', abnormalFlag: 'NORMAL' }, { analyte: 'Potassium', abnormalFlag: 'HIGH' }],
      encounter: { labTests: [{ labTestId: ordered.labTestId }] },
    });

    const testAudit = await auditRows(ordered.labTestId);
    expect(testAudit.map((a) => [a.action, a.actorUserId, a.organizationId, a.entityType])).toEqual([
      ['lab_test.order', org.users.PHYSICIAN.id, org.id, 'lab_test'],
      ['lab_test.collect', org.users.NURSE.id, org.id, 'lab_test'],
      ['lab_test.verify', org.users.PHYSICIAN.id, org.id, 'lab_test'],
    ]);
    expect(testAudit[0]!.changes).toMatchObject({ before: null, after: { status: 'ORDERED', testName: 'Basic metabolic panel' } });
    expect(testAudit[1]!.changes.before).toMatchObject({ status: 'ORDERED', collectedAt: null });
    expect(testAudit[1]!.changes.after).toMatchObject({ status: 'COLLECTED' });
    expect(testAudit[2]!.changes).toMatchObject({ before: { status: 'RESULTED' }, after: { status: 'VERIFIED' } });

    const resultAudit = await auditRows(first.labResult.labResultId);
    expect(resultAudit).toHaveLength(1);
    expect(resultAudit[0]).toMatchObject({ action: 'lab_result.record', entityType: 'lab_result', actorUserId: org.users.NURSE.id, organizationId: org.id });
    expect(resultAudit[0]!.changes.before.labTest).toMatchObject({ status: 'COLLECTED', resultedAt: null });
    expect(resultAudit[0]!.changes.after.labTest).toMatchObject({ status: 'RESULTED' });
    expect(resultAudit[0]!.changes.after.labResult).toMatchObject({ analyte: 'Sodium', abnormalFlag: 'NORMAL' });
    expect(await auditRows(second.labResult.labResultId)).toHaveLength(1);
  });

  it('computes the abnormal flag, critical included, and accepts ABNORMAL only for non-numeric results', async () => {
    const p = await createPatient();
    const t = await collectedLab(p.id, { testName: 'Glucose' });
    // Issue 20: the displayed value must show resultNumeric, and glucose needs its unit (its critical limits
    // exist in mg/dL and mmol/L: 50 and 400 mg/dL); the flag of 30 and 450 comes from those limits.
    const record = (input: Record<string, unknown>) =>
      ok(RECORD, { i: { labTestId: t.id, analyte: 'Glucose', resultUnit: 'mg/dL', resultValue: String(input.resultNumeric ?? 'x'), ...input } }, tokens.NURSE).then(
        (d) => d.recordLabResult.labResult,
      );
    const range = { referenceLow: 70, referenceHigh: 100 };
    expect((await record({ resultNumeric: 30, ...range })).abnormalFlag).toBe('CRITICAL_LOW');
    expect((await record({ resultNumeric: 60, ...range })).abnormalFlag).toBe('LOW');
    expect((await record({ resultNumeric: 85, ...range })).abnormalFlag).toBe('NORMAL');
    expect((await record({ resultNumeric: 150, ...range })).abnormalFlag).toBe('HIGH');
    const critical = await record({ resultNumeric: 450, ...range });
    expect(critical).toMatchObject({ abnormalFlag: 'CRITICAL_HIGH', isAbnormal: true, resultNumeric: 450 });
    expect(await record({ resultValue: 'positive', abnormal: true })).toMatchObject({ abnormalFlag: 'ABNORMAL', isAbnormal: true, resultNumeric: null });
    expect(await record({ resultValue: 'negative', abnormal: false })).toMatchObject({ abnormalFlag: 'NORMAL', isAbnormal: false });
    expect(await record({ resultValue: 'see comment' })).toMatchObject({ abnormalFlag: null, isAbnormal: false });
    const stored = await app.admin`select result_numeric::text, abnormal_flag from lab_results where id = ${critical.labResultId}`;
    expect(stored[0]).toEqual({ result_numeric: '450', abnormal_flag: 'CRITICAL_HIGH' });

    const explicit = await fails(RECORD, { i: { labTestId: t.id, analyte: 'G', resultValue: '85', resultNumeric: 85, ...range, abnormal: true } }, tokens.NURSE);
    expect(explicit.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'abnormal' });
    const inverted = await fails(RECORD, { i: { labTestId: t.id, analyte: 'G', resultValue: '85', referenceLow: 100, referenceHigh: 70 } }, tokens.NURSE);
    expect(inverted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'referenceHigh' });
    const status = await fails(RECORD, { i: { labTestId: t.id, analyte: 'G', resultValue: '85', status: 'CORRECTED' } }, tokens.NURSE);
    expect(status.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
    const blank = await fails(RECORD, { i: { labTestId: t.id, analyte: ' ', resultValue: '85' } }, tokens.NURSE);
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'analyte' });
    const value = await fails(RECORD, { i: { labTestId: t.id, analyte: 'G', resultValue: '' } }, tokens.NURSE);
    expect(value.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resultValue' });
    const badId = await fails(RECORD, { i: { labTestId: 'nope', analyte: 'G', resultValue: '1' } }, tokens.NURSE);
    expect(badId.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'labTestId' });
    const missing = await fails(RECORD, { i: { labTestId: randomUUID(), analyte: 'G', resultValue: '1' } }, tokens.NURSE);
    expect(missing.extensions.code).toBe('NOT_FOUND');
  });

  it('refuses invalid input naming the field, stale versions and every invalid transition', async () => {
    const p = await createPatient();
    const q = await createPatient();
    const eOfQ = await createEncounter(q.id);

    const name = await fails(ORDER_LAB, { i: { patientId: p.id, testName: '   ' } }, tokens.PHYSICIAN);
    expect(name.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'testName' });
    const code = await fails(ORDER_LAB, { i: { patientId: p.id, testName: 'CBC', testCode: 'x'.repeat(51) } }, tokens.PHYSICIAN);
    expect(code.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'testCode' });
    const specimen = await fails(ORDER_LAB, { i: { patientId: p.id, testName: 'CBC', specimenType: 'x'.repeat(101) } }, tokens.PHYSICIAN);
    expect(specimen.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'specimenType' });
    const patientId = await fails(ORDER_LAB, { i: { patientId: 'not-an-id', testName: 'CBC' } }, tokens.PHYSICIAN);
    expect(patientId.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'patientId' });
    const unknown = await fails(ORDER_LAB, { i: { patientId: randomUUID(), testName: 'CBC' } }, tokens.PHYSICIAN);
    expect(unknown.extensions.code).toBe('NOT_FOUND');
    const foreignEncounter = await fails(ORDER_LAB, { i: { patientId: p.id, encounterId: eOfQ.id, testName: 'CBC' } }, tokens.PHYSICIAN);
    expect(foreignEncounter.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterId' });
    expect(await app.admin`select 1 from lab_tests where patient_id = ${p.patientId}`).toHaveLength(0);

    // ORDERED: no result, no verification; a stale version is CONFLICT and changes nothing.
    const t = await orderLab(p.id);
    const early = await fails(RECORD, { i: { labTestId: t.id, analyte: 'Na', resultValue: '140' } }, tokens.NURSE);
    expect(early.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'labTestId', from: 'ORDERED' });
    expect(early.message).toMatch(/ORDERED/);
    expect((await fails(VERIFY, { i: { id: t.id, version: 1 } }, tokens.PHYSICIAN)).message).toMatch(/ORDERED to VERIFIED/);
    const stale = await fails(COLLECT, { i: { id: t.id, version: 7 } }, tokens.NURSE);
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    await ok(COLLECT, { i: { id: t.id, version: 1 } }, tokens.NURSE);
    const twice = await fails(COLLECT, { i: { id: t.id, version: 2 } }, tokens.NURSE);
    expect(twice.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(twice.message).toMatch(/COLLECTED to COLLECTED/);
    expect((await fails(VERIFY, { i: { id: t.id, version: 2 } }, tokens.PHYSICIAN)).message).toMatch(/COLLECTED to VERIFIED/);

    // IN_PROGRESS (set by the laboratory) accepts results.
    await app.admin`update lab_tests set status = 'IN_PROGRESS' where id = ${t.labTestId}`;
    // Issue 20: verification needs every result FINAL, so this one is recorded FINAL.
    const resulted = (await ok(RECORD, { i: { labTestId: t.id, analyte: 'Na', resultValue: '140', status: 'FINAL' } }, tokens.NURSE)).recordLabResult.labTest;
    expect(resulted.status).toBe('RESULTED');
    const staleVerify = await fails(VERIFY, { i: { id: t.id, version: resulted.version - 1 } }, tokens.PHYSICIAN);
    expect(staleVerify.extensions.code).toBe('CONFLICT');
    const cancelResulted = await fails(CANCEL, { i: { id: t.id, version: resulted.version, reason: 'Duplicate' } }, tokens.PHYSICIAN);
    expect(cancelResulted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(cancelResulted.message).toMatch(/RESULTED to CANCELLED/);
    await ok(VERIFY, { i: { id: t.id, version: resulted.version } }, tokens.PHYSICIAN);
    const cancelVerified = await fails(CANCEL, { i: { id: t.id, version: resulted.version + 1, reason: 'Duplicate' } }, tokens.PHYSICIAN);
    expect(cancelVerified.message).toMatch(/VERIFIED to CANCELLED/);
    expect((await fails(VERIFY, { i: { id: t.id, version: resulted.version + 1 } }, tokens.PHYSICIAN)).message).toMatch(/VERIFIED to VERIFIED/);

    // Cancel: needs a reason; afterwards nothing moves.
    const c = await orderLab(p.id);
    const noReason = await fails(CANCEL, { i: { id: c.id, version: 1, reason: ' ' } }, tokens.PHYSICIAN);
    expect(noReason.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const cancelled = (await ok(CANCEL, { i: { id: c.id, version: 1, reason: 'Ordered in error' } }, tokens.PHYSICIAN)).cancelLabTest.labTest;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Ordered in error', version: 2 });
    expect(cancelled.cancelledAt).toBeTruthy();
    const afterCancel = await fails(RECORD, { i: { labTestId: c.id, analyte: 'Na', resultValue: '140' } }, tokens.NURSE);
    expect(afterCancel.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'labTestId' });
    expect(afterCancel.message).toMatch(/CANCELLED/);
    expect((await fails(COLLECT, { i: { id: c.id, version: 2 } }, tokens.NURSE)).message).toMatch(/CANCELLED to COLLECTED/);
    expect((await fails(CANCEL, { i: { id: c.id, version: 2, reason: 'again' } }, tokens.NURSE)).message).toMatch(/CANCELLED to CANCELLED/);
    const cancelAudit = await auditRows(c.labTestId);
    expect(cancelAudit.map((a) => a.action)).toEqual(['lab_test.order', 'lab_test.cancel']);
    expect(cancelAudit[1]!.changes.after).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Ordered in error' });

    // A cancel from COLLECTED is allowed too.
    const d = await collectedLab(p.id);
    expect((await ok(CANCEL, { i: { id: d.id, version: d.version, reason: 'Haemolysed' } }, tokens.NURSE)).cancelLabTest.labTest.status).toBe('CANCELLED');
  });

  it('a failure inside the transaction leaves neither data nor audit row', async () => {
    const p = await createPatient();
    await app.admin`alter table audit_log add constraint reject_lab_order check (action <> 'lab_test.order') not valid`;
    try {
      const res = await fails(ORDER_LAB, { i: { patientId: p.id, testName: 'Doomed' } }, tokens.PHYSICIAN);
      expect(res.extensions.code).toBe('BAD_USER_INPUT');
      expect(await app.admin`select 1 from lab_tests where patient_id = ${p.patientId}`).toHaveLength(0);
      expect(await app.admin`select 1 from audit_log where action = 'lab_test.order' and changes -> 'after' ->> 'testName' = 'Doomed'`).toHaveLength(0);
    } finally {
      await app.admin`alter table audit_log drop constraint reject_lab_order`;
    }

    // recordLabResult writes a result and moves the test: both roll back together.
    const t = await collectedLab(p.id);
    await app.admin`alter table audit_log add constraint reject_lab_result check (action <> 'lab_result.record') not valid`;
    try {
      await fails(RECORD, { i: { labTestId: t.id, analyte: 'Doomed', resultValue: '1' } }, tokens.NURSE);
      expect(await app.admin`select 1 from lab_results where lab_test_id = ${t.labTestId}`).toHaveLength(0);
      const [row] = await app.admin`select status, version, resulted_at from lab_tests where id = ${t.labTestId}`;
      expect(row).toEqual({ status: 'COLLECTED', version: t.version, resulted_at: null });
      expect(await app.admin`select 1 from audit_log where action = 'lab_result.record' and changes -> 'after' -> 'labResult' ->> 'analyte' = 'Doomed'`).toHaveLength(0);
    } finally {
      await app.admin`alter table audit_log drop constraint reject_lab_result`;
    }
    expect((await ok(RECORD, { i: { labTestId: t.id, analyte: 'Fine', resultValue: '1' } }, tokens.NURSE)).recordLabResult.labTest.status).toBe('RESULTED');
  });

  it('pages a patient\'s lab results newest first, forward and backward, with a total', async () => {
    const p = await createPatient();
    const t = await collectedLab(p.id);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = (await ok(RECORD, { i: { labTestId: t.id, analyte: `A${i}`, resultValue: String(i) } }, tokens.NURSE)).recordLabResult.labResult;
      ids.push(r.labResultId);
      await app.admin`update lab_results set resulted_at = ${`2026-0${i + 1}-01T08:00:00.123456Z`}::timestamptz where id = ${r.labResultId}`;
    }
    const PAGE = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { patient(id: $id) {
      labResults(first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { analyte resultedAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const one = (await ok(PAGE, { id: p.id, first: 2 }, tokens.PHYSICIAN)).patient.labResults;
    expect(one.totalCount).toBe(5);
    expect(one.edges.map((e: any) => e.node.analyte)).toEqual(['A4', 'A3']);
    expect(one.edges[0].node.resultedAt).toBe('2026-05-01T08:00:00.123Z');
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = (await ok(PAGE, { id: p.id, first: 10, after: one.pageInfo.endCursor }, tokens.PHYSICIAN)).patient.labResults;
    expect(two.edges.map((e: any) => e.node.analyte)).toEqual(['A2', 'A1', 'A0']);
    expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = (await ok(PAGE, { id: p.id, last: 2, before: two.pageInfo.endCursor }, tokens.PHYSICIAN)).patient.labResults;
    expect(back.edges.map((e: any) => e.node.analyte)).toEqual(['A2', 'A1']);
    expect(back.pageInfo.hasPreviousPage).toBe(true);
    const foreign = await fails(PAGE, { id: p.id, first: 2, after: Buffer.from('["patient.encounters","x","y"]').toString('base64url') }, tokens.PHYSICIAN);
    expect(foreign.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('imaging orders and anatomy findings', () => {
  it('lists the body systems (reference data) and fetches one by node id', async () => {
    const res = await ok(`{ bodySystems { id bodySystemId code name sortOrder } }`, {}, tokens.ANALYST);
    expect(res.bodySystems).toHaveLength(12);
    expect(res.bodySystems[0]).toMatchObject({ code: 'CARDIOVASCULAR', name: 'Cardiovascular', sortOrder: 1 });
    const node = await ok(`query($id: ID!) { node(id: $id) { ... on BodySystem { code } } }`, { id: res.bodySystems[1].id }, tokens.NURSE);
    expect(node.node).toEqual({ code: 'RESPIRATORY' });
    const denied = await fails(`{ bodySystems { code } }`, {}, tokens.FRONT_DESK);
    expect(denied.extensions.code).toBe('FORBIDDEN');
  });

  it('orders and reports an imaging examination, refusing bad input, stale versions and invalid transitions', async () => {
    const p = await createPatient();
    const q = await createPatient();
    const e = await createEncounter(p.id);
    const eOfQ = await createEncounter(q.id);
    const chest = await bodySystem('RESPIRATORY');

    const blank = await fails(ORDER_IMAGING, { i: { patientId: p.id, modality: 'XRAY', bodyPart: ' ' } }, tokens.PHYSICIAN);
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bodyPart' });
    const noSystem = await fails(ORDER_IMAGING, { i: { patientId: p.id, modality: 'XRAY', bodyPart: 'Chest', bodySystemId: randomUUID() } }, tokens.PHYSICIAN);
    expect(noSystem.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bodySystemId' });
    const wrongType = await fails(ORDER_IMAGING, { i: { patientId: p.id, modality: 'XRAY', bodyPart: 'Chest', bodySystemId: p.id } }, tokens.PHYSICIAN);
    expect(wrongType.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bodySystemId' });
    const foreignEncounter = await fails(ORDER_IMAGING, { i: { patientId: p.id, encounterId: eOfQ.id, modality: 'XRAY', bodyPart: 'Chest' } }, tokens.PHYSICIAN);
    expect(foreignEncounter.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterId' });
    const indication = await fails(ORDER_IMAGING, { i: { patientId: p.id, modality: 'XRAY', bodyPart: 'Chest', clinicalIndication: 'x'.repeat(2001) } }, tokens.PHYSICIAN);
    expect(indication.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clinicalIndication' });
    expect(await app.admin`select 1 from imaging_orders where patient_id = ${p.patientId}`).toHaveLength(0);

    const order = (
      await ok(ORDER_IMAGING, { i: { patientId: p.id, encounterId: e.id, modality: 'CT', bodyPart: 'Chest', bodySystemId: chest.id, laterality: 'BILATERAL', contrast: true, priority: 'URGENT', clinicalIndication: 'Pleuritic pain' } }, tokens.PHYSICIAN)
    ).orderImaging.imagingOrder;
    expect(order).toMatchObject({
      status: 'ORDERED', version: 1, modality: 'CT', bodyPart: 'Chest', laterality: 'BILATERAL', contrast: true, priority: 'URGENT',
      bodySystem: { code: 'RESPIRATORY' }, orderedBy: { userId: org.users.PHYSICIAN.id }, encounter: { encounterId: e.encounterId },
      reportedAt: null, reportedBy: null, findings: null,
    });
    const defaults = (await ok(ORDER_IMAGING, { i: { patientId: p.id, modality: 'XRAY', bodyPart: 'Wrist' } }, tokens.PHYSICIAN)).orderImaging.imagingOrder;
    expect(defaults).toMatchObject({ contrast: false, priority: 'ROUTINE', bodySystem: null, laterality: null, encounter: null });

    const stale = await fails(REPORT, { i: { id: order.id, version: 2, findings: 'f', impression: 'i' } }, tokens.PHYSICIAN);
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    const noImpression = await fails(REPORT, { i: { id: order.id, version: 1, findings: 'Clear lungs', impression: '' } }, tokens.PHYSICIAN);
    expect(noImpression.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'impression' });
    // Issue 20: a report needs acquired images; the acquisition is recorded first.
    const early = await fails(REPORT, { i: { id: order.imagingOrderId, version: 1, findings: 'No consolidation', impression: 'Normal CT chest' } }, tokens.PHYSICIAN);
    expect(early.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', from: 'ORDERED', to: 'REPORTED' });
    await ok(ACQUIRED, { i: { id: order.id, version: 1 } }, tokens.NURSE);
    const reported = (await ok(REPORT, { i: { id: order.imagingOrderId, version: 2, findings: 'No consolidation', impression: 'Normal CT chest' } }, tokens.PHYSICIAN)).reportImaging.imagingOrder;
    expect(reported).toMatchObject({ status: 'REPORTED', version: 3, findings: 'No consolidation', impression: 'Normal CT chest', reportedBy: { userId: org.users.PHYSICIAN.id } });
    expect(reported.reportedAt).toBeTruthy();
    expect(reported.completedAt).toBeTruthy();
    const again = await fails(REPORT, { i: { id: order.id, version: 3, findings: 'f', impression: 'i' } }, tokens.PHYSICIAN);
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(again.message).toMatch(/REPORTED to REPORTED/);

    // From COMPLETED (set by the modality) a report is accepted; from CANCELLED it is not.
    await app.admin`update imaging_orders set status = 'COMPLETED', completed_at = '2026-01-01T00:00:00Z' where id = ${defaults.imagingOrderId}`;
    const fromCompleted = (await ok(REPORT, { i: { id: defaults.id, version: 1, findings: 'Fracture', impression: 'Distal radius fracture' } }, tokens.PHYSICIAN)).reportImaging.imagingOrder;
    expect(fromCompleted).toMatchObject({ status: 'REPORTED', completedAt: '2026-01-01T00:00:00.000Z' });
    const cancelled = (await ok(ORDER_IMAGING, { i: { patientId: p.id, modality: 'MRI', bodyPart: 'Knee' } }, tokens.PHYSICIAN)).orderImaging.imagingOrder;
    await app.admin`update imaging_orders set status = 'CANCELLED' where id = ${cancelled.imagingOrderId}`;
    const fromCancelled = await fails(REPORT, { i: { id: cancelled.id, version: 1, findings: 'f', impression: 'i' } }, tokens.PHYSICIAN);
    expect(fromCancelled.message).toMatch(/CANCELLED to REPORTED/);

    const audit = await auditRows(order.imagingOrderId);
    expect(audit.map((a) => [a.action, a.actorUserId, a.organizationId, a.entityType])).toEqual([
      ['imaging_order.order', org.users.PHYSICIAN.id, org.id, 'imaging_order'],
      ['imaging_order.acquire', org.users.NURSE.id, org.id, 'imaging_order'],
      ['imaging_order.report', org.users.PHYSICIAN.id, org.id, 'imaging_order'],
    ]);
    expect(audit[0]!.changes).toMatchObject({ before: null, after: { modality: 'CT', status: 'ORDERED' } });
    expect(audit[1]!.changes).toMatchObject({ before: { status: 'ORDERED', completedAt: null }, after: { status: 'COMPLETED' } });
    expect(audit[2]!.changes.before).toMatchObject({ status: 'COMPLETED', impression: null });
    expect(audit[2]!.changes.after).toMatchObject({ status: 'REPORTED', impression: 'Normal CT chest' });

    // The encounter lists its orders; the patient filters by status.
    const read = await ok(
      `query($p: ID!, $e: ID!) { patient(id: $p) { reported: imagingOrders(status: [REPORTED]) { bodyPart } all: imagingOrders { bodyPart } }
        encounter(id: $e) { imagingOrders { imagingOrderId } } }`,
      { p: p.id, e: e.id },
      tokens.NURSE,
    );
    expect(read.patient.reported.map((o: any) => o.bodyPart).sort()).toEqual(['Chest', 'Wrist']);
    expect(read.patient.all.map((o: any) => o.bodyPart)).toEqual(['Knee', 'Wrist', 'Chest']);
    expect(read.encounter.imagingOrders).toEqual([{ imagingOrderId: order.imagingOrderId }]);
  });

  it('records anatomy findings against an existing body system', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    const heart = await bodySystem('CARDIOVASCULAR');
    const found = (
      await ok(FIND, { i: { patientId: p.id, encounterId: e.id, bodySystemId: heart.bodySystemId, location: 'Apex', laterality: 'LEFT', finding: 'Systolic murmur', severity: 'MODERATE', notes: 'Grade 2/6', observedAt: '2026-02-01T10:00:00Z' } }, tokens.NURSE)
    ).recordAnatomyFinding.anatomyFinding;
    expect(found).toMatchObject({
      finding: 'Systolic murmur', location: 'Apex', laterality: 'LEFT', severity: 'MODERATE', observedAt: '2026-02-01T10:00:00.000Z',
      bodySystem: { code: 'CARDIOVASCULAR', name: 'Cardiovascular' }, recordedBy: { userId: org.users.NURSE.id },
      encounter: { encounterId: e.encounterId }, patient: { patientId: p.patientId },
    });
    const later = (await ok(FIND, { i: { patientId: p.id, bodySystemId: heart.id, finding: 'Irregular rhythm' } }, tokens.NURSE)).recordAnatomyFinding.anatomyFinding;

    const unknown = await fails(FIND, { i: { patientId: p.id, bodySystemId: randomUUID(), finding: 'x' } }, tokens.NURSE);
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bodySystemId' });
    const malformed = await fails(FIND, { i: { patientId: p.id, bodySystemId: 'cardio', finding: 'x' } }, tokens.NURSE);
    expect(malformed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bodySystemId' });
    const future = await fails(FIND, { i: { patientId: p.id, bodySystemId: heart.id, finding: 'x', observedAt: '2999-01-01T00:00:00Z' } }, tokens.NURSE);
    expect(future.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'observedAt' });
    const blank = await fails(FIND, { i: { patientId: p.id, bodySystemId: heart.id, finding: '  ' } }, tokens.NURSE);
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'finding' });
    const location = await fails(FIND, { i: { patientId: p.id, bodySystemId: heart.id, finding: 'x', location: 'x'.repeat(201) } }, tokens.NURSE);
    expect(location.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location' });
    const noPatient = await fails(FIND, { i: { patientId: randomUUID(), bodySystemId: heart.id, finding: 'x' } }, tokens.NURSE);
    expect(noPatient.extensions.code).toBe('NOT_FOUND');

    const read = await ok(
      `query($p: ID!, $e: ID!) { patient(id: $p) { anatomyFindings { anatomyFindingId } } encounter(id: $e) { anatomyFindings { finding } } }`,
      { p: p.id, e: e.id },
      tokens.PHYSICIAN,
    );
    expect(read.patient.anatomyFindings.map((f: any) => f.anatomyFindingId)).toEqual([later.anatomyFindingId, found.anatomyFindingId]);
    expect(read.encounter.anatomyFindings).toEqual([{ finding: 'Systolic murmur' }]);
    const node = await ok(`query($id: ID!) { node(id: $id) { ... on AnatomyFinding { finding } } }`, { id: found.id }, tokens.PHYSICIAN);
    expect(node.node).toEqual({ finding: 'Systolic murmur' });

    const audit = await auditRows(found.anatomyFindingId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'anatomy_finding.record', entityType: 'anatomy_finding', actorUserId: org.users.NURSE.id, organizationId: org.id });
    expect(audit[0]!.changes).toMatchObject({ before: null, after: { finding: 'Systolic murmur', bodySystemId: heart.bodySystemId } });
  });
});

describe('reading orders', () => {
  async function patientWithRecords(lastName: string, n: number) {
    const p = await createPatient(tokens.FRONT_DESK, lastName);
    const e = await createEncounter(p.id);
    const system = await bodySystem('NEUROLOGICAL');
    const t = await collectedLab(p.id, { encounterId: e.id, testName: `Panel ${n}` });
    await ok(RECORD, { i: { labTestId: t.id, analyte: `Analyte ${n}`, resultValue: '0.5', resultNumeric: 0.5, referenceLow: 2, referenceHigh: 4 } }, tokens.NURSE);
    await orderLab(p.id, { testName: `Second ${n}` });
    await ok(ORDER_IMAGING, { i: { patientId: p.id, encounterId: e.id, modality: 'MRI', bodyPart: `Head ${n}`, bodySystemId: system.id } }, tokens.PHYSICIAN);
    await ok(FIND, { i: { patientId: p.id, encounterId: e.id, bodySystemId: system.id, finding: `Finding ${n}` } }, tokens.NURSE);
    return p;
  }

  const NESTED = `query($name: String!) { patients(first: 50, filter: { name: $name }) { edges { node { patientId
      labTests { testName orderedBy { userId } results { analyte abnormalFlag labTest { testName } } }
      labResults(first: 5) { totalCount edges { node { analyte } } }
      imagingOrders { bodyPart bodySystem { code } }
      anatomyFindings { finding bodySystem { code } }
      encounters(first: 5) { edges { node { labTests { testName } imagingOrders { bodyPart orderedBy { userId } } anatomyFindings { finding } } } }
    } } } }`;

  it('batches nested fields: the statement count does not grow with the number of patients', async () => {
    for (let n = 0; n < 3; n++) await patientWithRecords('Batchson', n);
    await ok(NESTED, { name: 'batchson' }, tokens.PHYSICIAN); // warm the viewer cache
    const statements = app.api.deps.db.statements;
    // Same authentication work for both measured requests, however long the test takes.
    app.api.deps.viewerCache.forget(org.users.PHYSICIAN.id);
    const before = statements.count;
    const three = await ok(NESTED, { name: 'batchson' }, tokens.PHYSICIAN);
    const forThree = statements.count - before;
    expect(three.patients.edges).toHaveLength(3);

    for (let n = 3; n < 6; n++) await patientWithRecords('Batchson', n);
    app.api.deps.viewerCache.forget(org.users.PHYSICIAN.id);
    const again = statements.count;
    const six = await ok(NESTED, { name: 'batchson' }, tokens.PHYSICIAN);
    const forSix = statements.count - again;
    expect(six.patients.edges).toHaveLength(6);
    expect(forSix).toBe(forThree);

    for (const { node } of six.patients.edges) {
      const n = node.labTests.find((t: any) => t.testName.startsWith('Panel')).testName.split(' ')[1];
      expect(node.labTests.map((t: any) => t.testName)).toEqual([`Second ${n}`, `Panel ${n}`]);
      // Issue 20: an analyte without critical limits is LOW below its range, never CRITICAL by a factor.
      expect(node.labTests[1].results).toEqual([{ analyte: `Analyte ${n}`, abnormalFlag: 'LOW', labTest: { testName: `Panel ${n}` } }]);
      expect(node.labResults).toEqual({ totalCount: 1, edges: [{ node: { analyte: `Analyte ${n}` } }] });
      expect(node.imagingOrders).toEqual([{ bodyPart: `Head ${n}`, bodySystem: { code: 'NEUROLOGICAL' } }]);
      expect(node.anatomyFindings).toEqual([{ finding: `Finding ${n}`, bodySystem: { code: 'NEUROLOGICAL' } }]);
      expect(node.encounters.edges[0].node).toEqual({
        labTests: [{ testName: `Panel ${n}` }],
        imagingOrders: [{ bodyPart: `Head ${n}`, orderedBy: { userId: org.users.PHYSICIAN.id } }],
        anatomyFindings: [{ finding: `Finding ${n}` }],
      });
    }
  });

  it('enforces permissions: clinical reads need clinical:read, notes need clinical_notes:read, writes need clinical:write', async () => {
    const p = await createPatient();
    const t = await orderLab(p.id, { notes: 'Confidential' });
    const frontDesk = await fails(`query($id: ID!) { patient(id: $id) { labTests { testName } } }`, { id: p.id }, tokens.FRONT_DESK);
    expect(frontDesk.extensions.code).toBe('FORBIDDEN');
    expect((await fails(`query($id: ID!) { node(id: $id) { id } }`, { id: t.id }, tokens.FRONT_DESK)).extensions.code).toBe('FORBIDDEN');
    const analyst = await app.gql(`query($id: ID!) { labTest(id: $id) { testName notes } }`, { id: t.id }, tokens.ANALYST);
    // Clinical free text is masked for ANALYST (@phi(kind: CLINICAL_TEXT)): null without an error.
    expect(analyst.data?.labTest).toEqual({ testName: 'Basic metabolic panel', notes: null });
    expect(analyst.errors).toBeUndefined();
    const write = await fails(ORDER_LAB, { i: { patientId: p.id, testName: 'CBC' } }, tokens.ANALYST);
    expect(write.extensions.code).toBe('FORBIDDEN');
    const anonymous = await fails(`{ bodySystems { code } }`, {}, '');
    expect(anonymous.extensions.code).toBe('UNAUTHENTICATED');
    // Reading a lab test by id is recorded as access to its patient.
    const [access] = await app.admin`
      select 1 as hit from phi_access_log where organization_id = ${org.id} and ${p.patientId}::uuid = any(patient_ids) and user_id = ${org.users.ANALYST.id}`;
    expect(access).toEqual({ hit: 1 });
  });

  it('keeps organizations apart: another organization\'s records never appear and cannot be changed', async () => {
    const mine = await createPatient();
    const theirs = await createPatient(otherTokens.FRONT_DESK);
    const theirEncounter = await createEncounter(theirs.id, otherTokens.PHYSICIAN);
    const theirTest = (await ok(ORDER_LAB, { i: { patientId: theirs.id, encounterId: theirEncounter.id, testName: 'Theirs' } }, otherTokens.PHYSICIAN)).orderLabTest.labTest;
    await ok(COLLECT, { i: { id: theirTest.id, version: 1 } }, otherTokens.NURSE);
    const theirResult = (await ok(RECORD, { i: { labTestId: theirTest.id, analyte: 'Theirs', resultValue: '1' } }, otherTokens.NURSE)).recordLabResult.labResult;
    const theirImaging = (await ok(ORDER_IMAGING, { i: { patientId: theirs.id, modality: 'XRAY', bodyPart: 'Theirs' } }, otherTokens.PHYSICIAN)).orderImaging.imagingOrder;
    const heart = await bodySystem('CARDIOVASCULAR');
    const theirFinding = (await ok(FIND, { i: { patientId: theirs.id, bodySystemId: heart.id, finding: 'Theirs' } }, otherTokens.NURSE)).recordAnatomyFinding.anatomyFinding;
    // Same body systems for both: reference data is global.
    expect((await ok(`{ bodySystems { code } }`, {}, otherTokens.NURSE)).bodySystems).toHaveLength(12);

    // Reads: null for every foreign id.
    const reads = await ok(
      `query($t: ID!, $r: ID!, $i: ID!, $f: ID!, $p: ID!) { labTest(id: $t) { id } patient(id: $p) { id }
         nodes(ids: [$t, $r, $i, $f]) { id } }`,
      { t: theirTest.id, r: theirResult.id, i: theirImaging.id, f: theirFinding.id, p: theirs.id },
      tokens.PHYSICIAN,
    );
    expect(reads).toEqual({ labTest: null, patient: null, nodes: [null, null, null, null] });
    const own = await ok(
      `query($id: ID!) { patient(id: $id) { labTests { testName } labResults { totalCount } imagingOrders { bodyPart } anatomyFindings { finding } } }`,
      { id: mine.id },
      tokens.PHYSICIAN,
    );
    expect(own.patient).toEqual({ labTests: [], labResults: { totalCount: 0 }, imagingOrders: [], anatomyFindings: [] });
    const [leak] = await app.admin`select count(*)::int as n from lab_tests where organization_id = ${org.id} and test_name = 'Theirs'`;
    expect(leak!.n).toBe(0);

    // Writes: NOT_FOUND for foreign records and patients; a foreign encounter is not this patient's.
    const notFound = async (query: string, input: Record<string, unknown>) => {
      const err = await fails(query, { i: input }, tokens.PHYSICIAN);
      expect(err.extensions.code, `${query} ${JSON.stringify(input)}`).toBe('NOT_FOUND');
    };
    await notFound(COLLECT, { id: theirTest.id, version: 2 });
    await notFound(VERIFY, { id: theirTest.id, version: 3 });
    await notFound(CANCEL, { id: theirTest.id, version: 3, reason: 'x' });
    await notFound(RECORD, { labTestId: theirTest.id, analyte: 'x', resultValue: '1' });
    await notFound(REPORT, { id: theirImaging.id, version: 1, findings: 'f', impression: 'i' });
    await notFound(ORDER_LAB, { patientId: theirs.id, testName: 'x' });
    await notFound(ORDER_IMAGING, { patientId: theirs.id, modality: 'CT', bodyPart: 'x' });
    await notFound(FIND, { patientId: theirs.id, bodySystemId: heart.id, finding: 'x' });
    const foreignEncounter = await fails(FIND, { i: { patientId: mine.id, encounterId: theirEncounter.id, bodySystemId: heart.id, finding: 'x' } }, tokens.PHYSICIAN);
    expect(foreignEncounter.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterId' });

    // Nothing of theirs changed.
    const [test] = await app.admin`select status, version from lab_tests where id = ${theirTest.labTestId}`;
    expect(test).toEqual({ status: 'RESULTED', version: 3 });
    const [image] = await app.admin`select status, version from imaging_orders where id = ${theirImaging.imagingOrderId}`;
    expect(image).toEqual({ status: 'ORDERED', version: 1 });
  });
});
