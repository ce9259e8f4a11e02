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

/** Critical thresholds relative to the reference bounds (applied to positive bounds only). */
export const CRITICAL_LOW_FACTOR = 0.5;
export const CRITICAL_HIGH_FACTOR = 2;

export interface ResultMeasurement {
  resultNumeric?: number | null;
  referenceLow?: number | null;
  referenceHigh?: number | null;
  /** Declared by the caller for results whose flag cannot be computed. */
  abnormal?: boolean | null;
}

/**
 * The abnormal flag of a result:
 * - numeric value with at least one reference bound → computed:
 *   below low × 0.5 → CRITICAL_LOW, below low → LOW,
 *   above high × 2 → CRITICAL_HIGH, above high → HIGH, otherwise NORMAL
 *   (the critical factors only apply when the bound is positive; a bound ≤ 0 yields LOW/HIGH only);
 * - otherwise the caller's `abnormal`: true → ABNORMAL, false → NORMAL, omitted → null (unknown).
 * Refuses inverted bounds, and an explicit `abnormal` when the flag is computed.
 */
export function abnormalFlag(m: ResultMeasurement): LabAbnormalFlag | null {
  const value = m.resultNumeric ?? null;
  const low = m.referenceLow ?? null;
  const high = m.referenceHigh ?? null;
  for (const [key, v] of [['resultNumeric', value], ['referenceLow', low], ['referenceHigh', high]] as const) {
    if (v !== null && !Number.isFinite(v)) throw badInput(`${key} must be a finite number`, key);
  }
  if (low !== null && high !== null && low > high) {
    throw badInput('referenceHigh must not be below referenceLow', 'referenceHigh', { referenceLow: low, referenceHigh: high });
  }
  const computable = value !== null && (low !== null || high !== null);
  if (!computable) {
    if (m.abnormal === true) return 'ABNORMAL';
    if (m.abnormal === false) return 'NORMAL';
    return null;
  }
  if (m.abnormal !== null && m.abnormal !== undefined) {
    throw badInput('abnormal is computed from resultNumeric and the reference bounds; omit abnormal', 'abnormal');
  }
  if (low !== null && value < low) {
    return low > 0 && value < low * CRITICAL_LOW_FACTOR ? 'CRITICAL_LOW' : 'LOW';
  }
  if (high !== null && value > high) {
    return high > 0 && value > high * CRITICAL_HIGH_FACTOR ? 'CRITICAL_HIGH' : 'HIGH';
  }
  return 'NORMAL';
}

/** Numbers travel to numeric columns as exact decimal strings. */
export function numericString(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
