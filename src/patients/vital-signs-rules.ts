import { badInput } from '../kernel/errors.js';

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

/** Physiologically possible values (the database CHECK constraints say the same). */
const POSSIBLE: Record<Key, { min: number; max: number; integer: boolean; decimals?: number }> = {
  systolicBp: { min: 40, max: 300, integer: true },
  diastolicBp: { min: 20, max: 200, integer: true },
  heartRate: { min: 20, max: 300, integer: true },
  respiratoryRate: { min: 4, max: 80, integer: true },
  temperatureC: { min: 25, max: 45, integer: false, decimals: 1 },
  spo2: { min: 50, max: 100, integer: true },
  weightKg: { min: 0.2, max: 500, integer: false, decimals: 2 },
  heightCm: { min: 20, max: 280, integer: false, decimals: 1 },
  painScore: { min: 0, max: 10, integer: true },
};

/** Adult reference ranges; a value outside gets a `<MEASURE>_LOW` or `<MEASURE>_HIGH` flag. */
const NORMAL: Partial<Record<Key, { low?: number; high?: number; flag: string }>> = {
  systolicBp: { low: 90, high: 139, flag: 'SYSTOLIC_BP' },
  diastolicBp: { low: 60, high: 89, flag: 'DIASTOLIC_BP' },
  heartRate: { low: 60, high: 100, flag: 'HEART_RATE' },
  respiratoryRate: { low: 12, high: 20, flag: 'RESPIRATORY_RATE' },
  temperatureC: { low: 36.1, high: 37.9, flag: 'TEMPERATURE' },
  spo2: { low: 95, flag: 'SPO2' },
  painScore: { high: 6, flag: 'PAIN' },
};

/** Refuses impossible values naming the field; returns the abnormal flags of the rest. */
export function evaluateVitals(m: VitalMeasurements): string[] {
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
  const flags: string[] = [];
  for (const key of given) {
    const range = NORMAL[key];
    const value = m[key]!;
    if (!range) continue;
    if (range.low !== undefined && value < range.low) flags.push(`${range.flag}_LOW`);
    if (range.high !== undefined && value > range.high) flags.push(`${range.flag}_HIGH`);
  }
  return flags;
}

/** Decimal measurements travel to numeric columns as exact strings. */
export function decimalString(value: number | null | undefined, key: Key): string | null {
  if (value === null || value === undefined) return null;
  return value.toFixed(POSSIBLE[key].decimals ?? 0);
}
