import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import { badInput } from '../kernel/errors.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import { evaluateResult } from './lab-critical-limit-service.js';
import * as history from './lab-result-history-repository.js';
import * as labs from './lab-test-repository.js';

export interface CorrectLabResultInput {
  id: string;
  version: number;
  reason: string;
  resultValue: string;
  resultNumeric?: number | null;
  resultUnit?: string | null;
  referenceLow?: number | null;
  referenceHigh?: number | null;
  referenceRange?: string | null;
  abnormal?: boolean | null;
  notes?: string | null;
}

/** Tests whose FINAL results may be corrected: reported ones, verified included (a corrected report). */
const CORRECTABLE_TEST_STATUSES = ['RESULTED', 'VERIFIED'];

const numberOf = (v: string | null) => (v === null ? null : Number(v));

/**
 * Corrects a FINAL result: the earlier row becomes CORRECTED (its value kept as history), the
 * corrected value is a new FINAL row of the same analyte evaluated like any result (critical
 * limits included), and a CORRECTION history row links them with the reason. Reference data the
 * input omits is taken from the earlier result. The test keeps its status; its `resultedAt` moves.
 */
export async function correctLabResult(
  ctx: TenantContext,
  input: CorrectLabResultInput,
): Promise<{ labResult: labs.LabResultRow; labTest: labs.LabTestRow }> {
  const reason = requiredText(input.reason, 'reason', 1000);
  const resultValue = requiredText(input.resultValue, 'resultValue', 2000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const earlier = atVersion(await history.lockLabResult(tx, scope.organizationId, input.id), input.version, 'LabResult', input.id);
    if (earlier.status !== 'FINAL') {
      throw badInput(`Only a FINAL result can be corrected; this one is ${earlier.status}`, 'id', { reason: 'NOT_FINAL' });
    }
    const test = (await labs.lockLabTest(tx, scope.organizationId, earlier.labTestId))!;
    if (!CORRECTABLE_TEST_STATUSES.includes(test.status)) {
      throw badInput(`Results of a ${test.status} lab test cannot be corrected`, 'id', { reason: 'TEST_NOT_RESULTED' });
    }
    const explicitBounds = input.referenceLow != null || input.referenceHigh != null || input.referenceRange != null;
    const statement = {
      analyte: earlier.analyte,
      analyteCode: earlier.analyteCode,
      resultValue,
      resultNumeric: input.resultNumeric,
      resultUnit: input.resultUnit === undefined ? earlier.resultUnit : (optionalText(input.resultUnit, 'resultUnit', 50) ?? null),
      referenceRange: explicitBounds ? (optionalText(input.referenceRange, 'referenceRange', 200) ?? null) : earlier.referenceRange,
      referenceLow: explicitBounds ? input.referenceLow : numberOf(earlier.referenceLow),
      referenceHigh: explicitBounds ? input.referenceHigh : numberOf(earlier.referenceHigh),
      abnormal: input.abnormal,
    };
    const evaluated = await evaluateResult(tx, scope.organizationId, statement);
    const corrected = await history.markLabResultCorrected(tx, earlier);
    const now = new Date();
    const labResult = await labs.insertLabResult(tx, scope.organizationId, {
      ...statement,
      ...evaluated,
      status: 'FINAL',
      notes: optionalText(input.notes, 'notes', 5000) ?? null,
      labTestId: test.id,
      patientId: test.patientId,
      resultedAt: now,
      resultedBy: ctx.viewer.userId,
    });
    await history.insertSupersessions(tx, scope.organizationId, {
      supersededIds: [earlier.id],
      supersedingId: labResult.id,
      labTestId: test.id,
      kind: 'CORRECTION',
      reason,
      recordedBy: ctx.viewer.userId,
    });
    const labTest = await labs.updateLabTestStatus(tx, { ...test, resultedAt: now });
    audit({
      action: 'lab_result.correct',
      entityType: 'lab_result',
      entityId: labResult.id,
      before: { corrected: earlier },
      after: { labResult, corrected: changedFields(earlier, corrected).after, reason },
    });
    return { labResult, labTest };
  });
}
