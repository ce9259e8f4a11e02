import type { CodeableConcept, Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { FLAG_STEM, type RangedMeasure } from '../../patients/vital-sign-reference-ranges.js';
import type { VitalSignsEnteredInErrorRow, VitalSignsRow } from '../../patients/vital-signs-repository.js';
import { compact, decimal, instant, INTERPRETATION, LOINC, OBSERVATION_CATEGORY, reference, UCUM, type MapContext } from './common.js';

const VITAL_SIGNS_CATEGORY: CodeableConcept[] = [
  { coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }] },
];

const loinc = (code: string, display: string, ...more: { code: string; display: string }[]): CodeableConcept => ({
  coding: [{ system: LOINC, code, display }, ...more.map((m) => ({ system: LOINC, ...m }))],
});

const quantity = (value: number | undefined, unit: string, code = unit): Quantity | undefined =>
  value === undefined ? undefined : { value, unit, system: UCUM, code };

/** H/L from our abnormal flags (SYSTOLIC_BP_HIGH, SPO2_LOW, …: src/patients/vital-signs-rules.ts). */
function interpretation(flags: readonly string[], measure: RangedMeasure): CodeableConcept[] | undefined {
  const stem = FLAG_STEM[measure];
  if (flags.includes(`${stem}_HIGH`)) return [{ coding: [{ system: INTERPRETATION, code: 'H', display: 'High' }] }];
  if (flags.includes(`${stem}_LOW`)) return [{ coding: [{ system: INTERPRETATION, code: 'L', display: 'Low' }] }];
  return undefined;
}

/** One measurement of a set: the suffix of its resource id, its LOINC code, value and flag. */
interface Measurement {
  suffix: string;
  code: CodeableConcept;
  value?: Quantity;
  components?: ObservationComponent[];
  interpretation?: CodeableConcept[];
}

/**
 * A `vital_signs` row (one set of measurements) → one Observation per measurement, category vital-signs,
 * LOINC coded, UCUM units: the blood pressure panel (85354-9) with systolic/diastolic components, heart rate,
 * respiratory rate, temperature, SpO2, weight, height, BMI (computed from weight and height) and pain score.
 * Ids are the set's id and the measurement (`…-bp`). A set entered in error gives `entered-in-error` Observations.
 */
export function vitalSignsResources(v: VitalSignsRow, error: VitalSignsEnteredInErrorRow | null, { phi }: MapContext): Observation[] {
  const flags = phi.pick('VitalSigns.abnormalFlags', v.abnormalFlags) ?? [];
  const int = (field: string, value: number | null) => phi.pick(`VitalSigns.${field}`, value) ?? undefined;
  const systolic = int('systolicBp', v.systolicBp);
  const diastolic = int('diastolicBp', v.diastolicBp);
  const weight = decimal(phi.pick('VitalSigns.weightKg', v.weightKg));
  const height = decimal(phi.pick('VitalSigns.heightCm', v.heightCm));
  const temperature = decimal(phi.pick('VitalSigns.temperatureC', v.temperatureC));
  const list: Measurement[] = [];
  const single = (suffix: string, code: CodeableConcept, value: number | undefined, unit: string, measure?: RangedMeasure, ucum?: string) => {
    if (value !== undefined) list.push({ suffix, code, value: quantity(value, unit, ucum), interpretation: measure && interpretation(flags, measure) });
  };
  if (systolic !== undefined || diastolic !== undefined) {
    list.push({
      suffix: 'bp',
      code: loinc('85354-9', 'Blood pressure panel with all children optional'),
      components: [
        ...(systolic !== undefined
          ? [{ code: loinc('8480-6', 'Systolic blood pressure'), valueQuantity: quantity(systolic, 'mmHg', 'mm[Hg]'), interpretation: interpretation(flags, 'systolicBp') }]
          : []),
        ...(diastolic !== undefined
          ? [{ code: loinc('8462-4', 'Diastolic blood pressure'), valueQuantity: quantity(diastolic, 'mmHg', 'mm[Hg]'), interpretation: interpretation(flags, 'diastolicBp') }]
          : []),
      ],
    });
  }
  single('hr', loinc('8867-4', 'Heart rate'), int('heartRate', v.heartRate), 'beats/minute', 'heartRate', '/min');
  single('rr', loinc('9279-1', 'Respiratory rate'), int('respiratoryRate', v.respiratoryRate), 'breaths/minute', 'respiratoryRate', '/min');
  single('temp', loinc('8310-5', 'Body temperature'), temperature, 'C', 'temperatureC', 'Cel');
  single('spo2', loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', { code: '2708-6', display: 'Oxygen saturation in Arterial blood' }), int('spo2', v.spo2), '%', 'spo2');
  single('wt', loinc('29463-7', 'Body weight'), weight, 'kg');
  single('ht', loinc('8302-2', 'Body height'), height, 'cm');
  if (weight !== undefined && height !== undefined && height > 0) {
    single('bmi', loinc('39156-5', 'Body mass index (BMI) [Ratio]'), Math.round((weight / (height / 100) ** 2) * 10) / 10, 'kg/m2');
  }
  single('pain', loinc('72514-3', 'Pain severity - 0-10 verbal numeric rating [Score] - Reported'), int('painScore', v.painScore), '{score}');
  const note = phi.pick('VitalSigns.notes', v.notes);
  return list.map((m) =>
    compact<Observation>({
      resourceType: 'Observation',
      id: `${v.id}-${m.suffix}`,
      meta: { lastUpdated: instant(error?.markedAt ?? v.recordedAt) },
      status: error ? 'entered-in-error' : 'final',
      category: VITAL_SIGNS_CATEGORY,
      code: m.code,
      subject: reference('Patient', v.patientId),
      encounter: reference('Encounter', v.encounterId),
      effectiveDateTime: instant(v.recordedAt),
      performer: v.recordedBy ? [reference('Practitioner', v.recordedBy)!] : undefined,
      valueQuantity: m.value,
      component: m.components,
      interpretation: m.interpretation,
      note: note ? [{ text: note }] : undefined,
    }),
  );
}
