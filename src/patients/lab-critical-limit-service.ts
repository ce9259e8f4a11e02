import type { TenantContext } from '../context.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, notFound } from '../kernel/errors.js';
import { criticalLimitFor } from './lab-critical-limit-rules.js';
import * as limits from './lab-critical-limit-repository.js';
import { abnormalFlag, numericString, type LabAbnormalFlag } from './lab-test-rules.js';
import { normalizeAnalyte, numericResult, referenceBounds } from './lab-values.js';

const toNumber = (v: string | null) => (v === null ? null : Number(v));

/** What a result states, as recordLabResult and correctLabResult receive it. */
export interface ResultStatement {
  analyte: string;
  analyteCode: string | null;
  resultValue: string;
  resultNumeric?: number | null;
  resultUnit: string | null;
  referenceLow?: number | null;
  referenceHigh?: number | null;
  referenceRange?: string | null;
  abnormal?: boolean | null;
}

/** The stored numbers and the computed flag of a result. */
export interface EvaluatedResult {
  resultNumeric: string | null;
  referenceLow: string | null;
  referenceHigh: string | null;
  abnormalFlag: LabAbnormalFlag | null;
}

/**
 * Evaluates a result against everything the server knows (the one place the lab flag rules are
 * applied): the displayed and numeric values must agree, numeric text ranges give the bounds, and
 * the organization's critical limits of the analyte in the result's unit decide CRITICAL.
 */
export async function evaluateResult(tx: TransactionSql, organizationId: string, r: ResultStatement): Promise<EvaluatedResult> {
  const value = numericResult(r.resultValue, r.resultNumeric);
  const bounds = referenceBounds(r);
  let critical: { criticalLow: number | null; criticalHigh: number | null } = { criticalLow: null, criticalHigh: null };
  if (value !== null) {
    const matched = await limits.criticalLimitsOfAnalyte(tx, organizationId, r.analyteCode, normalizeAnalyte(r.analyte));
    const rows = matched.map((l) => ({ ...l, criticalLow: toNumber(l.criticalLow), criticalHigh: toNumber(l.criticalHigh) }));
    const limit = criticalLimitFor(rows, r.analyte, r.resultUnit);
    if (limit) critical = { criticalLow: limit.criticalLow, criticalHigh: limit.criticalHigh };
  }
  const flag = abnormalFlag({ value, referenceLow: bounds.low, referenceHigh: bounds.high, ...critical, abnormal: r.abnormal });
  return {
    resultNumeric: numericString(value),
    referenceLow: numericString(bounds.low),
    referenceHigh: numericString(bounds.high),
    abnormalFlag: flag,
  };
}

function limitValue(value: number | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value)) throw badInput(`${field} must be a finite number`, field);
  return numericString(value);
}

/** Overrides the organization's critical limits of an analyte in one unit (audited). */
export async function setLabCriticalLimit(
  ctx: TenantContext,
  input: { analyteKey: string; unit: string; criticalLow?: number | null; criticalHigh?: number | null; version?: number | null },
): Promise<limits.LabCriticalLimitRow> {
  const low = limitValue(input.criticalLow, 'criticalLow');
  const high = limitValue(input.criticalHigh, 'criticalHigh');
  if (low === null && high === null) throw badInput('Give criticalLow, criticalHigh or both', 'criticalLow');
  if (low !== null && high !== null && Number(low) >= Number(high)) {
    throw badInput('criticalLow must be below criticalHigh', 'criticalHigh');
  }
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await limits.labCriticalLimit(tx, scope.organizationId, input.analyteKey, input.unit);
    if (!before) throw notFound('LabCriticalLimit', `${input.analyteKey} ${input.unit}`);
    const written = await limits.upsertCriticalLimitOverride(tx, scope.organizationId, {
      analyteKey: before.analyteKey,
      unit: before.unit,
      criticalLow: low,
      criticalHigh: high,
      updatedBy: ctx.viewer.userId,
      version: before.overridden ? (input.version ?? null) : null,
    });
    if (written === 0) {
      throw conflict(`The override was changed by someone else (now version ${before.version}); reload and retry`, {
        currentVersion: before.version,
      });
    }
    const after = (await limits.labCriticalLimit(tx, scope.organizationId, before.analyteKey, before.unit))!;
    audit({ action: 'lab_critical_limit.set', entityType: 'lab_critical_limit', entityId: null, before: summary(before), after: summary(after) });
    return after;
  });
}

/** Removes the organization's override; the global default applies again (audited). */
export async function clearLabCriticalLimit(
  ctx: TenantContext,
  input: { analyteKey: string; unit: string; version: number },
): Promise<limits.LabCriticalLimitRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await limits.labCriticalLimit(tx, scope.organizationId, input.analyteKey, input.unit);
    if (!before || !before.overridden) throw notFound('LabCriticalLimit override', `${input.analyteKey} ${input.unit}`);
    const removed = await limits.deleteCriticalLimitOverride(tx, scope.organizationId, before.analyteKey, before.unit, input.version);
    if (removed === 0) {
      throw conflict(`The override was changed by someone else (now version ${before.version}); reload and retry`, {
        currentVersion: before.version,
      });
    }
    const after = (await limits.labCriticalLimit(tx, scope.organizationId, before.analyteKey, before.unit))!;
    audit({ action: 'lab_critical_limit.clear', entityType: 'lab_critical_limit', entityId: null, before: summary(before), after: summary(after) });
    return after;
  });
}

/** What the audit trail keeps of a limit row. */
function summary(l: limits.LabCriticalLimitRow) {
  return {
    analyteKey: l.analyteKey,
    unit: l.unit,
    criticalLow: l.criticalLow,
    criticalHigh: l.criticalHigh,
    overridden: l.overridden,
    version: l.version,
  };
}
