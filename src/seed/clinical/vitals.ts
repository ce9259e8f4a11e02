/** Vital-sign norms by age and the abnormal flags a measurement set gets against them. */

/** Normal ranges by age: the generator and the abnormal flags agree on them. */
export interface VitalNorms {
  maxAge: number;
  heartRate: readonly [number, number];
  respiratoryRate: readonly [number, number];
  systolic: readonly [number, number];
  diastolic: readonly [number, number];
}

export const VITAL_NORMS: readonly VitalNorms[] = [
  { maxAge: 1, heartRate: [100, 160], respiratoryRate: [30, 60], systolic: [70, 100], diastolic: [40, 65] },
  { maxAge: 6, heartRate: [80, 140], respiratoryRate: [20, 40], systolic: [80, 110], diastolic: [45, 70] },
  { maxAge: 13, heartRate: [70, 120], respiratoryRate: [16, 30], systolic: [90, 120], diastolic: [55, 80] },
  { maxAge: 18, heartRate: [60, 100], respiratoryRate: [12, 20], systolic: [90, 130], diastolic: [55, 85] },
  { maxAge: Infinity, heartRate: [60, 100], respiratoryRate: [12, 20], systolic: [90, 139], diastolic: [60, 89] },
];

export const TEMPERATURE_NORMAL: readonly [number, number] = [35.5, 37.9];
export const SPO2_NORMAL_MIN = 94;

export function vitalNorms(ageYears: number): VitalNorms {
  for (const norms of VITAL_NORMS) if (ageYears < norms.maxAge) return norms;
  return VITAL_NORMS[VITAL_NORMS.length - 1]!;
}

export interface VitalValues {
  systolicBp: number | null;
  diastolicBp: number | null;
  heartRate: number | null;
  respiratoryRate: number | null;
  temperatureC: number | null;
  spo2: number | null;
}

/**
 * Abnormal flags of a measurement set: `<MEASURE>_LOW` / `<MEASURE>_HIGH`
 * against the age-specific normal range (SPO2 only has _LOW). Empty when all
 * recorded measurements are normal; `is_abnormal` is `flags.length > 0`.
 */
export function vitalAbnormalFlags(v: VitalValues, ageYears: number): string[] {
  const norms = vitalNorms(ageYears);
  const flags: string[] = [];
  const check = (value: number | null, range: readonly [number, number], name: string) => {
    if (value === null) return;
    if (value < range[0]) flags.push(`${name}_LOW`);
    else if (value > range[1]) flags.push(`${name}_HIGH`);
  };
  check(v.systolicBp, norms.systolic, 'SYSTOLIC_BP');
  check(v.diastolicBp, norms.diastolic, 'DIASTOLIC_BP');
  check(v.heartRate, norms.heartRate, 'HEART_RATE');
  check(v.respiratoryRate, norms.respiratoryRate, 'RESPIRATORY_RATE');
  check(v.temperatureC, TEMPERATURE_NORMAL, 'TEMPERATURE');
  if (v.spo2 !== null && v.spo2 < SPO2_NORMAL_MIN) flags.push('SPO2_LOW');
  return flags;
}
