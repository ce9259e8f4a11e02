/**
 * Normal vital-sign ranges by age band, as data. The band is the patient's age at `recordedAt`
 * (date of birth against the organization's local date of the reading). Sources: PALS 2020 provider
 * manual (heart and respiratory rates by age, awake), Fleming et al., Lancet 2011;377:1011-8 (centiles
 * of heart and respiratory rate in children), NHLBI Fourth Report 2004 (paediatric blood pressure,
 * 5th–90th centile at median height), and the adult ranges of the NEWS2 chart (RCP 2017).
 * A value outside its band's range gets `<MEASURE>_LOW` or `<MEASURE>_HIGH`.
 */

export type AgeBand = 'NEONATE' | 'INFANT' | 'TODDLER' | 'CHILD' | 'ADOLESCENT' | 'ADULT';

/** A measurement's normal range; a missing side is never flagged. */
export interface NormalRange {
  low?: number;
  high?: number;
}

export type RangedMeasure = 'systolicBp' | 'diastolicBp' | 'heartRate' | 'respiratoryRate' | 'temperatureC' | 'spo2' | 'painScore';

/** The flag stem of each measure: HEART_RATE_LOW, SPO2_LOW, … */
export const FLAG_STEM: Record<RangedMeasure, string> = {
  systolicBp: 'SYSTOLIC_BP',
  diastolicBp: 'DIASTOLIC_BP',
  heartRate: 'HEART_RATE',
  respiratoryRate: 'RESPIRATORY_RATE',
  temperatureC: 'TEMPERATURE',
  spo2: 'SPO2',
  painScore: 'PAIN',
};

/** Bands in age order: a band applies from its start until the next band's start. */
export const AGE_BANDS: readonly { band: AgeBand; from: { days?: number; years?: number } }[] = [
  { band: 'NEONATE', from: { days: 0 } },
  { band: 'INFANT', from: { days: 28 } },
  { band: 'TODDLER', from: { years: 1 } },
  { band: 'CHILD', from: { years: 3 } },
  { band: 'ADOLESCENT', from: { years: 12 } },
  { band: 'ADULT', from: { years: 18 } },
];

const COMMON: Record<'temperatureC' | 'spo2' | 'painScore', NormalRange> = {
  temperatureC: { low: 36.1, high: 37.9 },
  spo2: { low: 95 },
  painScore: { high: 6 },
};

export const NORMAL_RANGES: Record<AgeBand, Record<RangedMeasure, NormalRange>> = {
  NEONATE: {
    heartRate: { low: 100, high: 180 },
    respiratoryRate: { low: 30, high: 60 },
    systolicBp: { low: 60, high: 90 },
    diastolicBp: { low: 30, high: 60 },
    ...COMMON,
    temperatureC: { low: 36.5, high: 37.5 },
  },
  INFANT: {
    heartRate: { low: 100, high: 160 },
    respiratoryRate: { low: 30, high: 53 },
    systolicBp: { low: 70, high: 100 },
    diastolicBp: { low: 35, high: 65 },
    ...COMMON,
  },
  TODDLER: {
    heartRate: { low: 90, high: 150 },
    respiratoryRate: { low: 22, high: 37 },
    systolicBp: { low: 85, high: 106 },
    diastolicBp: { low: 40, high: 65 },
    ...COMMON,
  },
  CHILD: {
    heartRate: { low: 70, high: 120 },
    respiratoryRate: { low: 18, high: 30 },
    systolicBp: { low: 90, high: 115 },
    diastolicBp: { low: 50, high: 75 },
    ...COMMON,
  },
  ADOLESCENT: {
    heartRate: { low: 60, high: 100 },
    respiratoryRate: { low: 12, high: 20 },
    systolicBp: { low: 100, high: 130 },
    diastolicBp: { low: 60, high: 85 },
    ...COMMON,
  },
  ADULT: {
    heartRate: { low: 60, high: 100 },
    respiratoryRate: { low: 12, high: 20 },
    systolicBp: { low: 90, high: 139 },
    diastolicBp: { low: 60, high: 89 },
    ...COMMON,
  },
};

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

/** Whole years from `dateOfBirth` to `on` (both YYYY-MM-DD); a 29 February birthday counts on 1 March. */
export function ageInYears(dateOfBirth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** The age band of a patient born on `dateOfBirth` on the local date `on` (not before the birth date). */
export function ageBandOn(dateOfBirth: string, on: string): AgeBand {
  const days = dayNumber(on) - dayNumber(dateOfBirth);
  const years = ageInYears(dateOfBirth, on);
  let band: AgeBand = 'NEONATE';
  for (const b of AGE_BANDS) {
    const reached = b.from.years !== undefined ? years >= b.from.years : days >= (b.from.days ?? 0);
    if (reached) band = b.band;
  }
  return band;
}
