import { badInput } from '../kernel/errors.js';

/**
 * Reading what a laboratory reports: the number a displayed value shows, the bounds a text
 * reference range states, and the normal forms of analyte names and units that the critical-limit
 * table (migration 000014, `lab_critical_limits`) is keyed by. Pure functions; unit-tested beside.
 */

const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)/;
const PLAIN_NUMBER = new RegExp(`^\\s*(${NUMBER.source})\\s*$`);

/** Two decimals are the same number (the text "2.0" shows 2). */
function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * The numeric value of a result, checked against what is displayed:
 * - `resultNumeric` given: `resultValue` must show that number (its first number, e.g. "5.0",
 *   "<0.04", "6.9 mmol/L"), otherwise the result is refused (`reason: RESULT_VALUE_MISMATCH`);
 * - omitted: a plain number as `resultValue` ("5.0") is the numeric value; anything else
 *   (text, a censored "<0.04") has none.
 */
export function numericResult(resultValue: string, resultNumeric: number | null | undefined): number | null {
  if (resultNumeric !== null && resultNumeric !== undefined) {
    if (!Number.isFinite(resultNumeric)) throw badInput('resultNumeric must be a finite number', 'resultNumeric');
    const shown = NUMBER.exec(resultValue);
    if (!shown || !sameNumber(Number(shown[0]), resultNumeric)) {
      throw badInput(
        shown
          ? `resultValue "${resultValue}" shows ${shown[0]} but resultNumeric is ${resultNumeric}; send the same value in both`
          : `resultValue "${resultValue}" shows no number but resultNumeric is ${resultNumeric}; send the displayed value as resultValue`,
        'resultNumeric',
        { reason: 'RESULT_VALUE_MISMATCH' },
      );
    }
    return resultNumeric;
  }
  const plain = PLAIN_NUMBER.exec(resultValue);
  return plain ? Number(plain[1]) : null;
}

export interface ReferenceBounds {
  low: number | null;
  high: number | null;
}

const RANGE = new RegExp(`^\\s*(${NUMBER.source})\\s*(?:-|–|—|to|\\.\\.)\\s*(${NUMBER.source})(?:\\s+\\D.*)?\\s*$`, 'i');
const ONE_SIDED = new RegExp(`^\\s*(<=|>=|≤|≥|<|>)\\s*(${NUMBER.source})(?:\\s+\\D.*)?\\s*$`);

/**
 * The bounds a text reference range states, when it is numeric: "3.5-5.1", "3.5 – 5.1 mmol/L",
 * "12 to 16", "<0.04" (upper bound), "> 60" (lower bound). Anything else ("negative", "see
 * report") states no bounds (null). "<X" and ">X" are read as inclusive bounds.
 */
export function parseReferenceRange(text: string | null | undefined): ReferenceBounds | null {
  if (!text) return null;
  const range = RANGE.exec(text);
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])];
    return low <= high ? { low, high } : null;
  }
  const oneSided = ONE_SIDED.exec(text);
  if (!oneSided) return null;
  const bound = Number(oneSided[2]);
  return oneSided[1]!.startsWith('<') || oneSided[1]!.startsWith('≤') ? { low: null, high: bound } : { low: bound, high: null };
}

/**
 * The reference bounds of a result: the explicit `referenceLow`/`referenceHigh`, else those the
 * text `referenceRange` states. Both given and disagreeing is refused (`reason: REFERENCE_RANGE_MISMATCH`).
 */
export function referenceBounds(input: {
  referenceLow?: number | null;
  referenceHigh?: number | null;
  referenceRange?: string | null;
}): ReferenceBounds {
  const low = input.referenceLow ?? null;
  const high = input.referenceHigh ?? null;
  for (const [key, v] of [['referenceLow', low], ['referenceHigh', high]] as const) {
    if (v !== null && !Number.isFinite(v)) throw badInput(`${key} must be a finite number`, key);
  }
  if (low !== null && high !== null && low > high) {
    throw badInput('referenceHigh must not be below referenceLow', 'referenceHigh', { referenceLow: low, referenceHigh: high });
  }
  const parsed = parseReferenceRange(input.referenceRange);
  if (low === null && high === null) return parsed ?? { low: null, high: null };
  if (parsed && ((parsed.low !== null && (low === null || !sameNumber(parsed.low, low))) || (parsed.high !== null && (high === null || !sameNumber(parsed.high, high))))) {
    throw badInput(
      `referenceRange "${input.referenceRange}" states other bounds than referenceLow/referenceHigh (${low ?? '–'} to ${high ?? '–'}); send matching values`,
      'referenceRange',
      { reason: 'REFERENCE_RANGE_MISMATCH' },
    );
  }
  return { low, high };
}


/** Analyte names as the critical-limit table stores them: lower case, words separated by one space. */
export function normalizeAnalyte(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, ' ')
    .trim();
}

/** Units as the critical-limit table stores them: lower case, no spaces, micro as u, × as x. */
export function normalizeUnit(unit: string): string {
  return unit.toLowerCase().replace(/\s+/g, '').replace(/[µμ]/g, 'u').replace(/×/g, 'x');
}
