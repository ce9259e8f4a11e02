import { badInput } from '../kernel/errors.js';
import { normalizeUnit } from './lab-values.js';

/** One row of the critical-limit table in effect for an organization (its override, else the default). */
export interface EffectiveCriticalLimit {
  analyteKey: string;
  analyteName: string;
  unit: string;
  unitAliases: string[];
  criticalLow: number | null;
  criticalHigh: number | null;
  /** The analyte was recognised by its LOINC code (preferred over a name match). */
  matchedByCode: boolean;
}

/**
 * The critical limits that apply to a numeric result, chosen among the rows its analyte matched:
 * - by code when any row matched the LOINC code, else by name;
 * - with a unit: the row of that unit (or one of its spellings); a unit the table does not know
 *   for that analyte is refused (`reason: UNKNOWN_UNIT`), since its value cannot be compared;
 * - without a unit: the analyte's only unit; an analyte with limits in several units needs the
 *   unit (`reason: UNIT_REQUIRED`): 5.0 is critical in g/dL and impossible in g/L.
 * An analyte the table does not know has no critical limits (null).
 */
export function criticalLimitFor(
  matched: readonly EffectiveCriticalLimit[],
  analyte: string,
  resultUnit: string | null,
): EffectiveCriticalLimit | null {
  const byCode = matched.filter((l) => l.matchedByCode);
  const candidates = byCode.length > 0 ? byCode : matched;
  if (candidates.length === 0) return null;
  const units = [...new Set(candidates.map((l) => l.unit))];
  if (resultUnit === null) {
    if (units.length === 1) return candidates[0]!;
    throw badInput(`${analyte} has critical limits in ${units.join(', ')}; give resultUnit so the value can be checked`, 'resultUnit', {
      reason: 'UNIT_REQUIRED',
      units,
    });
  }
  const unit = normalizeUnit(resultUnit);
  const found = candidates.find((l) => normalizeUnit(l.unit) === unit || l.unitAliases.includes(unit));
  if (found) return found;
  throw badInput(
    `${analyte} in ${resultUnit} cannot be checked against its critical limits (known units: ${units.join(', ')}); send one of those units`,
    'resultUnit',
    { reason: 'UNKNOWN_UNIT', units },
  );
}
