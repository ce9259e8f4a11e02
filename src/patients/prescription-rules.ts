import { badInput } from '../kernel/errors.js';

export type PrescriptionStatus = 'ACTIVE' | 'COMPLETED' | 'DISCONTINUED' | 'CANCELLED' | 'ON_HOLD';

/** The prescription life cycle: the only place that says which status may follow which. */
const NEXT: Record<PrescriptionStatus, readonly PrescriptionStatus[]> = {
  ACTIVE: ['DISCONTINUED'],
  ON_HOLD: ['DISCONTINUED'],
  COMPLETED: [],
  DISCONTINUED: [],
  CANCELLED: [],
};

export function assertPrescriptionTransition(from: string, to: PrescriptionStatus): void {
  if (!(NEXT[from as PrescriptionStatus] ?? []).includes(to)) {
    throw badInput(`A prescription cannot go from ${from} to ${to}`, 'id', { from, to });
  }
}

/** Whether a prescription in `status` is still in force and can be discontinued (a recorded death stops it). */
export function canDiscontinue(status: string): boolean {
  return (NEXT[status as PrescriptionStatus] ?? []).includes('DISCONTINUED');
}

/** A positive decimal for a numeric column as an exact string (at most `decimals` fraction digits when given). */
export function positiveDecimal(value: number | null | undefined, field: string, max: number, decimals?: number): string | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw badInput(`${field} must be greater than 0 and at most ${max}`, field, { max });
  }
  if (decimals !== undefined) {
    if (Math.abs(value * 10 ** decimals - Math.round(value * 10 ** decimals)) > 1e-6) {
      throw badInput(`${field} must have at most ${decimals} decimal places`, field);
    }
    return value.toFixed(decimals);
  }
  return String(value);
}
