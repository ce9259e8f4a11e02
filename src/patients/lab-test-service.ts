import type { TenantContext } from '../context.js';
import { changedFields, type AuditAction } from '../kernel/audit.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import { assertPatientAlive } from './patient-life.js';
import { evaluateResult } from './lab-critical-limit-service.js';
import * as history from './lab-result-history-repository.js';
import * as labs from './lab-test-repository.js';
import { assertLabTestTransition, assertRecordableResultStatus, assertVerifiable, type LabTestStatus } from './lab-test-rules.js';

/** Foreign-key failures of lab writes, as messages that name the input. */
export const LAB_REFERENCES = {
  lab_tests_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
};

export interface OrderLabTestInput {
  patientId: string;
  encounterId: string | null;
  testCode?: string | null;
  testName: string;
  specimenType?: string | null;
  priority?: string | null;
  clinicalIndication?: string | null;
  notes?: string | null;
  /** Why the order goes into a COMPLETED or CANCELLED encounter (a late entry). */
  lateEntryReason?: string | null;
}

export async function orderLabTest(ctx: TenantContext, input: OrderLabTestInput): Promise<labs.LabTestRow> {
  const values: labs.NewLabTest = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    orderedBy: ctx.viewer.userId,
    testCode: optionalText(input.testCode, 'testCode', 50) ?? null,
    testName: requiredText(input.testName, 'testName', 200),
    specimenType: optionalText(input.specimenType, 'specimenType', 100) ?? null,
    priority: input.priority ?? 'ROUTINE',
    clinicalIndication: optionalText(input.clinicalIndication, 'clinicalIndication', 2000) ?? null,
    notes: optionalText(input.notes, 'notes', 5000) ?? null,
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await assertPatientAlive(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    const test = await labs
      .insertLabTest(tx, scope.organizationId, values)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, LAB_REFERENCES)));
    audit({ action: 'lab_test.order', entityType: 'lab_test', entityId: test.id, after: test });
    auditLateEntry(audit, late, 'lab_test', test.id);
    return test;
  });
}

const ACTIONS: Partial<Record<LabTestStatus, AuditAction>> = {
  COLLECTED: 'lab_test.collect',
  VERIFIED: 'lab_test.verify',
  CANCELLED: 'lab_test.cancel',
};

/** Locks a lab test and checks the client's version: NOT_FOUND when missing, CONFLICT when stale. */
async function lockForChange(tx: TransactionSql, organizationId: string, id: string, version: number | null) {
  const test = await labs.lockLabTest(tx, organizationId, id);
  if (!test) throw notFound('LabTest', id);
  if (version !== null && test.version !== version) {
    throw conflict(`Lab test was changed by someone else (now version ${test.version}); reload and retry`, {
      currentVersion: test.version,
    });
  }
  return test;
}

/** Collect, verify or cancel a lab test (see lab-test-rules), checking the client's version. */
export async function transitionLabTest(
  ctx: TenantContext,
  id: string,
  version: number,
  to: 'COLLECTED' | 'VERIFIED' | 'CANCELLED',
  details: { cancellationReason?: string | null } = {},
): Promise<labs.LabTestRow> {
  const reason = to === 'CANCELLED' ? requiredText(details.cancellationReason ?? '', 'reason', 1000) : null;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await lockForChange(tx, scope.organizationId, id, version);
    assertLabTestTransition(before.status, to);
    if (to === 'VERIFIED') assertVerifiable(await history.currentResultsOfLabTest(tx, scope.organizationId, id, null));
    const now = new Date();
    const after = await labs.updateLabTestStatus(tx, {
      ...before,
      status: to,
      collectedAt: to === 'COLLECTED' ? now : before.collectedAt,
      cancelledAt: to === 'CANCELLED' ? now : before.cancelledAt,
      cancellationReason: reason ?? before.cancellationReason,
    });
    audit({ action: ACTIONS[to]!, entityType: 'lab_test', entityId: id, ...changedFields(before, after) });
    return after;
  });
}

export interface RecordLabResultInput {
  labTestId: string;
  analyte: string;
  analyteCode?: string | null;
  resultValue: string;
  resultNumeric?: number | null;
  resultUnit?: string | null;
  referenceLow?: number | null;
  referenceHigh?: number | null;
  referenceRange?: string | null;
  status?: string | null;
  abnormal?: boolean | null;
  notes?: string | null;
}

/**
 * Records one result component: the flag is computed (evaluateResult: values agree, critical
 * limits, reference range), the lab test moves to RESULTED. A PRELIMINARY result of the same
 * analyte is replaced (kept, with a FINALIZATION history row); an analyte with a FINAL result is
 * refused (CONFLICT): a new value of a final result is a correction. One transaction, one audit
 * row naming the result, with the test's status change in its before/after.
 */
export async function recordLabResult(
  ctx: TenantContext,
  input: RecordLabResultInput,
): Promise<{ labResult: labs.LabResultRow; labTest: labs.LabTestRow }> {
  const status = input.status ?? 'PRELIMINARY';
  assertRecordableResultStatus(status);
  const statement = {
    analyte: requiredText(input.analyte, 'analyte', 200),
    analyteCode: optionalText(input.analyteCode, 'analyteCode', 50) ?? null,
    resultValue: requiredText(input.resultValue, 'resultValue', 2000),
    resultNumeric: input.resultNumeric,
    resultUnit: optionalText(input.resultUnit, 'resultUnit', 50) ?? null,
    referenceRange: optionalText(input.referenceRange, 'referenceRange', 200) ?? null,
    referenceLow: input.referenceLow,
    referenceHigh: input.referenceHigh,
    abnormal: input.abnormal,
  };
  const notes = optionalText(input.notes, 'notes', 5000) ?? null;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await lockForChange(tx, scope.organizationId, input.labTestId, null);
    assertLabTestTransition(before.status, 'RESULTED', 'labTestId');
    const evaluated = await evaluateResult(tx, scope.organizationId, statement);
    const current = await history.currentResultsOfLabTest(tx, scope.organizationId, before.id, statement.analyte);
    const final = current.find((r) => r.status === 'FINAL');
    if (final) {
      throw conflict(`${statement.analyte} already has a FINAL result in this lab test; correct it with correctLabResult`, {
        reason: 'FINAL_RESULT_EXISTS',
        labResultId: final.id,
      });
    }
    const now = new Date();
    const labResult = await labs.insertLabResult(tx, scope.organizationId, {
      ...statement,
      ...evaluated,
      status,
      notes,
      labTestId: before.id,
      patientId: before.patientId,
      resultedAt: now,
      resultedBy: ctx.viewer.userId,
    });
    const replaced = current.map((r) => r.id);
    if (replaced.length > 0) {
      await history.insertSupersessions(tx, scope.organizationId, {
        supersededIds: replaced,
        supersedingId: labResult.id,
        labTestId: before.id,
        kind: 'FINALIZATION',
        reason: null,
        recordedBy: ctx.viewer.userId,
      });
    }
    const labTest = await labs.updateLabTestStatus(tx, { ...before, status: 'RESULTED', resultedAt: now });
    const test = changedFields(before, labTest);
    audit({
      action: 'lab_result.record',
      entityType: 'lab_result',
      entityId: labResult.id,
      before: { labTest: test.before },
      after: { labResult, labTest: test.after, ...(replaced.length > 0 ? { replacedResultIds: replaced } : {}) },
    });
    return { labResult, labTest };
  });
}
