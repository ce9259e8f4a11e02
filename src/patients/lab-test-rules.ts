import { badInput } from '../kernel/errors.js';

export type LabTestStatus = 'ORDERED' | 'COLLECTED' | 'IN_PROGRESS' | 'RESULTED' | 'VERIFIED' | 'CANCELLED';
export type LabAbnormalFlag = 'NORMAL' | 'LOW' | 'HIGH' | 'CRITICAL_LOW' | 'CRITICAL_HIGH' | 'ABNORMAL';

/**
 * The lab test life cycle: the only place that says which status may follow
 * which. RESULTED → RESULTED is recording a further result component.
 */
const NEXT: Record<LabTestStatus, readonly LabTestStatus[]> = {
  ORDERED: ['COLLECTED', 'CANCELLED'],
  COLLECTED: ['IN_PROGRESS', 'RESULTED', 'CANCELLED'],
  IN_PROGRESS: ['RESULTED', 'CANCELLED'],
  RESULTED: ['RESULTED', 'VERIFIED'],
  VERIFIED: [],
  CANCELLED: [],
};

/** Refuses a status change the life cycle does not allow, naming both statuses; `field` names the input holding the test. */
export function assertLabTestTransition(from: string, to: LabTestStatus, field = 'id'): void {
  if (!(NEXT[from as LabTestStatus] ?? []).includes(to)) {
    const message =
      to === 'RESULTED'
        ? `Cannot record a result for a lab test that is ${from}; results are accepted when COLLECTED, IN_PROGRESS or RESULTED`
        : `A lab test cannot go from ${from} to ${to}`;
    throw badInput(message, field, { from, to });
  }
}

/** Result statuses a new result may be recorded with (CORRECTED and CANCELLED belong to later amendments). */
const RECORDABLE_RESULT_STATUSES = ['PRELIMINARY', 'FINAL'];

export function assertRecordableResultStatus(status: string): void {
  if (!RECORDABLE_RESULT_STATUSES.includes(status)) {
    throw badInput(`A new result must be PRELIMINARY or FINAL, not ${status}`, 'status');
  }
}

export interface ResultMeasurement {
  /** The numeric value (see lab-values `numericResult`), or null for a non-numeric result. */
  value: number | null;
  /** Reference bounds (explicit or parsed from the text range). */
  referenceLow: number | null;
  referenceHigh: number | null;
  /** The analyte's critical limits in the result's unit (the organization's, else the global default), if it has any. */
  criticalLow?: number | null;
  criticalHigh?: number | null;
  /** Declared by the caller; required to agree with a computed flag. */
  abnormal?: boolean | null;
}

/**
 * The abnormal flag of a result:
 * - a numeric value beyond a critical limit (table `lab_critical_limits`, per unit, overridable per
 *   organization) → CRITICAL_LOW / CRITICAL_HIGH, whatever the reference range says or lacks;
 * - else, with at least one reference bound: below → LOW, above → HIGH, otherwise NORMAL;
 * - else the caller's `abnormal`: true → ABNORMAL, false → NORMAL, omitted → null (unknown).
 * An `abnormal` that contradicts a computed flag is refused (`reason: FLAG_CONFLICT`): a result
 * declared normal that is critical must never be stored as normal.
 */
export function abnormalFlag(m: ResultMeasurement): LabAbnormalFlag | null {
  const computed = computedFlag(m);
  const declared = m.abnormal ?? null;
  if (computed === null) {
    if (declared === null) return null;
    return declared ? 'ABNORMAL' : 'NORMAL';
  }
  if (declared !== null && declared !== (computed !== 'NORMAL')) {
    throw badInput(
      `abnormal: ${declared} contradicts the flag computed from the value, the reference range and the critical limits (${computed}); omit abnormal`,
      'abnormal',
      { reason: 'FLAG_CONFLICT', computed },
    );
  }
  return computed;
}

function computedFlag(m: ResultMeasurement): LabAbnormalFlag | null {
  const { value, referenceLow: low, referenceHigh: high } = m;
  if (value === null) return null;
  if (m.criticalLow != null && value < m.criticalLow) return 'CRITICAL_LOW';
  if (m.criticalHigh != null && value > m.criticalHigh) return 'CRITICAL_HIGH';
  if (low !== null && value < low) return 'LOW';
  if (high !== null && value > high) return 'HIGH';
  return low !== null || high !== null ? 'NORMAL' : null;
}

export const isCritical = (flag: string | null) => flag === 'CRITICAL_LOW' || flag === 'CRITICAL_HIGH';

/**
 * Verification needs every current result final: a PRELIMINARY result not yet replaced by a
 * later one blocks it (and a test without any result cannot be verified either).
 */
export function assertVerifiable(current: readonly { analyte: string; status: string }[]): void {
  const preliminary = current.filter((r) => r.status === 'PRELIMINARY').map((r) => r.analyte);
  if (preliminary.length > 0) {
    throw badInput(
      `Cannot verify while results are preliminary (${preliminary.join(', ')}); record their FINAL results first`,
      'id',
      { reason: 'PRELIMINARY_RESULTS', analytes: preliminary },
    );
  }
  if (!current.some((r) => r.status === 'FINAL' || r.status === 'CORRECTED')) {
    throw badInput('Cannot verify a lab test without a FINAL result', 'id', { reason: 'NO_FINAL_RESULT' });
  }
}

/** Numbers travel to numeric columns as exact decimal strings. */
export function numericString(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
