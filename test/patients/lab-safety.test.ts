import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

/** Issue 20, findings 3 and 8: critical lab values, displayed/numeric agreement, corrections, verification. */

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'labsafe');
  other = await createOrganization(app.admin, 'labother');
  tokens = await tokensByRole(app, org);
  otherTokens = await tokensByRole(app, other);
});
afterAll(() => app.close());

const RESULT = `id labResultId analyte resultValue resultNumeric resultUnit referenceLow referenceHigh abnormalFlag isAbnormal status version
  corrects { labResultId resultValue status } correctedBy { labResultId resultValue status } correctionReason`;
const LAB = `id labTestId status version`;
const RECORD = `mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { labResult { ${RESULT} } labTest { ${LAB} } } }`;
const CORRECT = `mutation($i: CorrectLabResultInput!) { correctLabResult(input: $i) { labResult { ${RESULT} } labTest { ${LAB} } } }`;
const VERIFY = `mutation($i: VerifyLabTestInput!) { verifyLabTest(input: $i) { labTest { ${LAB} } } }`;
const CRITICAL = `query($by: ID, $first: Int, $after: String) { criticalResults(orderedBy: $by, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { labResultId analyte abnormalFlag labTest { labTestId } } } } }`;
const LIMITS = `{ labCriticalLimits { analyteKey unit criticalLow criticalHigh defaultLow defaultHigh overridden version loincCodes } }`;
const SET_LIMIT = `mutation($i: SetLabCriticalLimitInput!) { setLabCriticalLimit(input: $i) { labCriticalLimit { analyteKey unit criticalLow criticalHigh overridden version } } }`;
const CLEAR_LIMIT = `mutation($i: ClearLabCriticalLimitInput!) { clearLabCriticalLimit(input: $i) { labCriticalLimit { criticalLow criticalHigh overridden version } } }`;

async function ok(query: string, variables: Record<string, unknown>, token = tokens.NURSE): Promise<any> {
  return expectData(app, query, variables, token);
}

async function fails(query: string, variables: Record<string, unknown>, token = tokens.NURSE) {
  const res = await app.gql(query, variables, token);
  expect(res.errors?.length, JSON.stringify(res.data)).toBeGreaterThan(0);
  return res.errors![0]!;
}

/** A collected lab test of a new patient, ordered by the physician of `as`. */
async function collectedTest(as = tokens) {
  const patient = (
    await ok(`mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`, { i: { firstName: 'Ines', lastName: 'Moreau', dateOfBirth: '1957-03-09' } }, as.FRONT_DESK)
  ).createPatient.patient;
  const ordered = (await ok(`mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { id version } } }`, { i: { patientId: patient.id, testName: 'Electrolytes' } }, as.PHYSICIAN)).orderLabTest.labTest;
  return (await ok(`mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { labTest { id labTestId version } } }`, { i: { id: ordered.id, version: ordered.version } }, as.NURSE)).collectLabSpecimen.labTest;
}

async function record(labTestId: string, input: Record<string, unknown>, as = tokens.NURSE) {
  return (await ok(RECORD, { i: { labTestId, ...input } }, as)).recordLabResult;
}

describe('critical values', () => {
  it('potassium 6.9 mmol/L is CRITICAL_HIGH, not merely HIGH', async () => {
    const t = await collectedTest();
    const { labResult } = await record(t.id, { analyte: 'Potassium', resultValue: '6.9', resultNumeric: 6.9, resultUnit: 'mmol/L', referenceLow: 3.5, referenceHigh: 5.1 });
    expect(labResult).toMatchObject({ abnormalFlag: 'CRITICAL_HIGH', isAbnormal: true });
  });

  it('potassium 2.2 is CRITICAL_LOW (recognised by its LOINC code, unit in mEq/L)', async () => {
    const t = await collectedTest();
    const { labResult } = await record(t.id, { analyte: 'K', analyteCode: '2823-3', resultValue: '2.2', resultUnit: 'mEq/L', referenceRange: '3.5-5.1' });
    expect(labResult).toMatchObject({ abnormalFlag: 'CRITICAL_LOW', resultNumeric: 2.2, referenceLow: 3.5, referenceHigh: 5.1 });
  });

  it('sodium 110 is CRITICAL_LOW', async () => {
    const t = await collectedTest();
    const { labResult } = await record(t.id, { analyte: 'Sodium', resultValue: '110', resultNumeric: 110, referenceLow: 135, referenceHigh: 145 });
    expect(labResult.abnormalFlag).toBe('CRITICAL_LOW');
  });

  it('hemoglobin 5.0 g/dL with a text-only reference range is CRITICAL_LOW, and declaring it normal is refused', async () => {
    const t = await collectedTest();
    const declaredNormal = await fails(RECORD, {
      i: { labTestId: t.id, analyte: 'Hemoglobin', resultValue: '5.0', resultUnit: 'g/dL', referenceRange: 'see report', abnormal: false },
    });
    expect(declaredNormal.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'abnormal', reason: 'FLAG_CONFLICT', computed: 'CRITICAL_LOW' });
    const { labResult } = await record(t.id, { analyte: 'Hemoglobin', resultValue: '5.0', resultUnit: 'g/dL', referenceRange: '12.0–16.0' });
    expect(labResult).toMatchObject({ abnormalFlag: 'CRITICAL_LOW', resultNumeric: 5, referenceLow: 12, referenceHigh: 16 });
    // Without a unit, 5.0 could be g/dL (critical) or g/L (impossible): the unit is required.
    const noUnit = await fails(RECORD, { i: { labTestId: t.id, analyte: 'Hb', resultValue: '5.0' } });
    expect(noUnit.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resultUnit', reason: 'UNIT_REQUIRED' });
  });

  it('refuses resultValue "2.0" with resultNumeric 5, storing nothing', async () => {
    const t = await collectedTest();
    const error = await fails(RECORD, { i: { labTestId: t.id, analyte: 'Potassium', resultValue: '2.0', resultNumeric: 5, referenceLow: 3.5, referenceHigh: 5.1 } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resultNumeric', reason: 'RESULT_VALUE_MISMATCH' });
    expect(error.message).toMatch(/shows 2\.0 but resultNumeric is 5/);
    expect(await app.admin`select 1 from lab_results where lab_test_id = ${t.labTestId}`).toHaveLength(0);
  });

  it('lists current critical results for the ordering provider, newest first, keyset-paged', async () => {
    const t = await collectedTest();
    const k = (await record(t.id, { analyte: 'Potassium', resultValue: '6.9', resultUnit: 'mmol/L' })).labResult;
    const na = (await record(t.id, { analyte: 'Sodium', resultValue: '110' })).labResult;
    await record(t.id, { analyte: 'Chloride', resultValue: '101' });
    const first = (await ok(CRITICAL, { first: 1 }, tokens.PHYSICIAN)).criticalResults;
    expect(first.totalCount).toBeGreaterThanOrEqual(2);
    expect(first.edges.map((e: any) => e.node.labResultId)).toEqual([na.labResultId]);
    const second = (await ok(CRITICAL, { first: 1, after: first.pageInfo.endCursor }, tokens.PHYSICIAN)).criticalResults;
    expect(second.edges.map((e: any) => e.node.labResultId)).toEqual([k.labResultId]);
    // The nurse did not order these tests; they see them when asking for the physician's list.
    expect((await ok(CRITICAL, { first: 50 }, tokens.NURSE)).criticalResults.totalCount).toBe(0);
    const byPhysician = (await ok(CRITICAL, { by: org.users.PHYSICIAN.id, first: 50 }, tokens.NURSE)).criticalResults;
    expect(byPhysician.edges.map((e: any) => e.node.labResultId)).toContain(k.labResultId);
    // Another organization sees none of them.
    expect((await ok(CRITICAL, { first: 50 }, otherTokens.PHYSICIAN)).criticalResults.totalCount).toBe(0);
  });
});

describe('critical-limit table', () => {
  it('serves the global defaults of the common analytes, with units', async () => {
    const rows = (await ok(LIMITS, {}, tokens.PHYSICIAN)).labCriticalLimits as any[];
    const keys = new Set(rows.map((r) => r.analyteKey));
    for (const key of ['POTASSIUM', 'SODIUM', 'GLUCOSE', 'CALCIUM', 'HEMOGLOBIN', 'PLATELETS', 'WBC', 'INR', 'TROPONIN_I']) expect(keys, key).toContain(key);
    expect(rows.find((r) => r.analyteKey === 'POTASSIUM')).toMatchObject({ unit: 'mmol/L', criticalLow: 2.5, criticalHigh: 6.5, overridden: false, version: null });
  });

  it('an organization admin overrides a limit (audited, invisible to other organizations), and clears it', async () => {
    const nurse = await fails(SET_LIMIT, { i: { analyteKey: 'POTASSIUM', unit: 'mmol/L', criticalHigh: 6.0 } }, tokens.PHYSICIAN);
    expect(nurse.extensions.code).toBe('FORBIDDEN');
    const inverted = await fails(SET_LIMIT, { i: { analyteKey: 'POTASSIUM', unit: 'mmol/L', criticalLow: 7, criticalHigh: 6 } }, tokens.ORG_ADMIN);
    expect(inverted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'criticalHigh' });
    const unknown = await fails(SET_LIMIT, { i: { analyteKey: 'POTASSIUM', unit: 'g/L', criticalHigh: 6 } }, tokens.ORG_ADMIN);
    expect(unknown.extensions.code).toBe('NOT_FOUND');

    const set = (await ok(SET_LIMIT, { i: { analyteKey: 'POTASSIUM', unit: 'mmol/L', criticalLow: 2.8, criticalHigh: 6.0 } }, tokens.ORG_ADMIN)).setLabCriticalLimit.labCriticalLimit;
    expect(set).toMatchObject({ criticalLow: 2.8, criticalHigh: 6.0, overridden: true, version: 1 });
    const t = await collectedTest();
    expect((await record(t.id, { analyte: 'Potassium', resultValue: '6.2', referenceRange: '3.5-5.1' })).labResult.abnormalFlag).toBe('CRITICAL_HIGH');
    const theirs = await collectedTest(otherTokens);
    expect((await record(theirs.id, { analyte: 'Potassium', resultValue: '6.2', referenceRange: '3.5-5.1' }, otherTokens.NURSE)).labResult.abnormalFlag).toBe('HIGH');

    const stale = await fails(CLEAR_LIMIT, { i: { analyteKey: 'POTASSIUM', unit: 'mmol/L', version: 9 } }, tokens.ORG_ADMIN);
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    const cleared = (await ok(CLEAR_LIMIT, { i: { analyteKey: 'POTASSIUM', unit: 'mmol/L', version: 1 } }, tokens.ORG_ADMIN)).clearLabCriticalLimit.labCriticalLimit;
    expect(cleared).toMatchObject({ criticalLow: 2.5, criticalHigh: 6.5, overridden: false, version: null });
    const audit = await app.admin<{ action: string; changes: any }[]>`
      select action, changes from audit_log where organization_id = ${org.id} and entity_type = 'lab_critical_limit' and outcome = 'SUCCESS'
      order by occurred_at`;
    expect(audit.map((a) => a.action)).toEqual(['lab_critical_limit.set', 'lab_critical_limit.clear']);
    expect(audit[0]!.changes).toMatchObject({ before: { criticalHigh: '6.5', overridden: false }, after: { criticalHigh: '6', overridden: true } });
  });
});

describe('one FINAL per analyte, corrections and verification', () => {
  it('a preliminary result is replaced by its final one; a second FINAL is refused; verification waits for FINAL', async () => {
    const t = await collectedTest();
    const preliminary = (await record(t.id, { analyte: 'Sodium', resultValue: '139' })).labResult;
    const resulted = (await record(t.id, { analyte: 'Chloride', resultValue: '101' })).labTest;
    const early = await fails(VERIFY, { i: { id: t.id, version: resulted.version } }, tokens.PHYSICIAN);
    expect(early.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PRELIMINARY_RESULTS', analytes: ['Sodium', 'Chloride'] });

    const final = (await record(t.id, { analyte: ' sodium ', resultValue: '140', status: 'FINAL' })).labResult;
    expect(final.corrects).toMatchObject({ labResultId: preliminary.labResultId, status: 'PRELIMINARY' });
    expect(final.correctionReason).toBeNull();
    const second = await fails(RECORD, { i: { labTestId: t.id, analyte: 'Sodium', resultValue: '141', status: 'FINAL' } });
    expect(second.extensions).toMatchObject({ code: 'CONFLICT', reason: 'FINAL_RESULT_EXISTS', labResultId: final.labResultId });
    const late = await fails(RECORD, { i: { labTestId: t.id, analyte: 'Sodium', resultValue: '141' } });
    expect(late.extensions.reason).toBe('FINAL_RESULT_EXISTS');

    const chloride = (await record(t.id, { analyte: 'Chloride', resultValue: '102', status: 'FINAL' })).labTest;
    const verified = (await ok(VERIFY, { i: { id: t.id, version: chloride.version } }, tokens.PHYSICIAN)).verifyLabTest.labTest;
    expect(verified.status).toBe('VERIFIED');
  });

  it('corrects a FINAL result: the earlier value stays as CORRECTED history, the new one is FINAL and critical again', async () => {
    const t = await collectedTest();
    const final = (await record(t.id, { analyte: 'Potassium', resultValue: '4.1', resultUnit: 'mmol/L', referenceRange: '3.5-5.1', status: 'FINAL' })).labResult;
    const resulted = (await ok(`query($id: ID!) { labTest(id: $id) { version } }`, { id: t.id })).labTest;
    await ok(VERIFY, { i: { id: t.id, version: resulted.version } }, tokens.PHYSICIAN);

    const noReason = await fails(CORRECT, { i: { id: final.id, version: final.version, reason: ' ', resultValue: '6.9' } });
    expect(noReason.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const stale = await fails(CORRECT, { i: { id: final.id, version: final.version + 1, reason: 'x', resultValue: '6.9' } });
    expect(stale.extensions.code).toBe('CONFLICT');

    const corrected = (await ok(CORRECT, { i: { id: final.id, version: final.version, reason: 'Transcription error', resultValue: '6.9' } })).correctLabResult;
    expect(corrected.labResult).toMatchObject({
      status: 'FINAL', resultValue: '6.9', abnormalFlag: 'CRITICAL_HIGH', resultUnit: 'mmol/L', referenceLow: 3.5, referenceHigh: 5.1,
      correctionReason: 'Transcription error', corrects: { labResultId: final.labResultId, resultValue: '4.1', status: 'CORRECTED' },
      correctedBy: null,
    });
    expect(corrected.labTest.status).toBe('VERIFIED');
    const earlier = (await ok(`query($id: ID!) { node(id: $id) { ... on LabResult { ${RESULT} } } }`, { id: final.id })).node;
    expect(earlier).toMatchObject({ status: 'CORRECTED', resultValue: '4.1', correctedBy: { labResultId: corrected.labResult.labResultId, status: 'FINAL' } });
    const again = await fails(CORRECT, { i: { id: final.id, version: earlier.version, reason: 'x', resultValue: '5' } });
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_FINAL' });

    const critical = (await ok(CRITICAL, { first: 100 }, tokens.PHYSICIAN)).criticalResults.edges.map((e: any) => e.node.labResultId);
    expect(critical).toContain(corrected.labResult.labResultId);
    const [audit] = await app.admin<{ action: string; changes: any }[]>`
      select action, changes from audit_log where entity_id = ${corrected.labResult.labResultId} and outcome = 'SUCCESS'`;
    expect(audit).toMatchObject({ action: 'lab_result.correct', changes: { before: { corrected: { resultValue: '4.1', status: 'FINAL' } }, after: { reason: 'Transcription error', corrected: { status: 'CORRECTED' } } } });
  });

  it('a preliminary result cannot be corrected (record its FINAL result instead)', async () => {
    const t = await collectedTest();
    const preliminary = (await record(t.id, { analyte: 'Sodium', resultValue: '139' })).labResult;
    const error = await fails(CORRECT, { i: { id: preliminary.id, version: preliminary.version, reason: 'x', resultValue: '140' } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_FINAL' });
  });
});
