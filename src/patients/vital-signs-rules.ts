import { badInput } from '../kernel/errors.js';
import { FLAG_STEM, NORMAL_RANGES, type AgeBand, type RangedMeasure } from './vital-sign-reference-ranges.js';

export interface VitalMeasurements {
  systolicBp?: number | null;
  diastolicBp?: number | null;
  heartRate?: number | null;
  respiratoryRate?: number | null;
  temperatureC?: number | null;
  spo2?: number | null;
  weightKg?: number | null;
  heightCm?: number | null;
  painScore?: number | null;
}

type Key = keyof VitalMeasurements;

/**
 * Values a living patient can show (the database CHECK constraints say the same). The limits sit at
 * physiological extremes, not at "normal": SpO2 45 % in profound hypoxaemia and 24 °C in accidental
 * hypothermia are real readings; 98.6 (a Fahrenheit temperature) or SpO2 101 are not.
 */
const POSSIBLE: Record<Key, { min: number; max: number; integer: boolean; decimals?: number }> = {
  systolicBp: { min: 40, max: 300, integer: true },
  diastolicBp: { min: 20, max: 200, integer: true },
  heartRate: { min: 20, max: 300, integer: true },
  respiratoryRate: { min: 4, max: 80, integer: true },
  temperatureC: { min: 10, max: 46, integer: false, decimals: 1 },
  spo2: { min: 10, max: 100, integer: true },
  weightKg: { min: 0.2, max: 500, integer: false, decimals: 2 },
  heightCm: { min: 20, max: 280, integer: false, decimals: 1 },
  painScore: { min: 0, max: 10, integer: true },
};

/**
 * Refuses impossible values naming the field, and returns the abnormal flags of the rest against
 * the normal ranges of the patient's age band (vital-sign-reference-ranges), computed on the value
 * as it is stored (rounded to the column's decimals: 37.94 °C is stored, and judged, as 37.9).
 */
export function evaluateVitals(m: VitalMeasurements, band: AgeBand = 'ADULT'): string[] {
  const given = assertPlausibleVitals(m);
  const ranges = NORMAL_RANGES[band];
  const flags: string[] = [];
  for (const key of given) {
    if (!(key in FLAG_STEM)) continue;
    const range = ranges[key as RangedMeasure];
    const value = storedValue(m[key]!, key);
    if (range.low !== undefined && value < range.low) flags.push(`${FLAG_STEM[key as RangedMeasure]}_LOW`);
    if (range.high !== undefined && value > range.high) flags.push(`${FLAG_STEM[key as RangedMeasure]}_HIGH`);
  }
  return flags;
}

/** Refuses impossible values naming the field; returns the measurements given, in column order. */
export function assertPlausibleVitals(m: VitalMeasurements): Key[] {
  const given = (Object.keys(POSSIBLE) as Key[]).filter((k) => m[k] !== null && m[k] !== undefined);
  if (given.length === 0) throw badInput('Record at least one measurement', 'systolicBp');
  for (const key of given) {
    const value = m[key]!;
    const rule = POSSIBLE[key];
    if (!Number.isFinite(value) || value < rule.min || value > rule.max || (rule.integer && !Number.isInteger(value))) {
      throw badInput(`${key} must be ${rule.integer ? 'a whole number ' : ''}between ${rule.min} and ${rule.max}`, key, {
        min: rule.min,
        max: rule.max,
      });
    }
  }
  if (m.systolicBp != null && m.diastolicBp != null && m.diastolicBp >= m.systolicBp) {
    throw badInput('diastolicBp must be below systolicBp', 'diastolicBp');
  }
  return given;
}

/** The value the column will hold (rounded to its decimals), as a number. */
function storedValue(value: number, key: Key): number {
  return Number(value.toFixed(POSSIBLE[key].decimals ?? 0));
}

/** Decimal measurements travel to numeric columns as exact strings. */
export function decimalString(value: number | null | undefined, key: Key): string | null {
  if (value === null || value === undefined) return null;
  return value.toFixed(POSSIBLE[key].decimals ?? 0);
}
