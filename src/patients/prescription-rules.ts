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

export interface AllergyLike {
  id: string;
  allergen: string;
  allergenCode: string | null;
  severity: string | null;
}

const SEVERITY_RANK: Record<string, number> = { LIFE_THREATENING: 4, SEVERE: 3, MODERATE: 2, MILD: 1 };

const norm = (s: string | null | undefined) => s?.trim().toLowerCase() ?? '';

/**
 * Whether a drug allergy applies to a medication (case-insensitive): the
 * allergen equals or is contained in the medication name, or the allergen code
 * equals the medication code.
 */
export function allergyMatches(allergy: AllergyLike, medication: { name: string; code: string | null }): boolean {
  const allergen = norm(allergy.allergen);
  const name = norm(medication.name);
  if (allergen && name.includes(allergen)) return true;
  const code = norm(allergy.allergenCode);
  return code !== '' && code === norm(medication.code);
}

/** The allergies that apply to a medication, most severe first. */
export function matchingAllergies<A extends AllergyLike>(allergies: readonly A[], medication: { name: string; code: string | null }): A[] {
  return allergies
    .filter((a) => allergyMatches(a, medication))
    .sort((a, b) => (SEVERITY_RANK[b.severity ?? ''] ?? 0) - (SEVERITY_RANK[a.severity ?? ''] ?? 0));
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
