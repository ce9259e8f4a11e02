/** Vital signs taken at each visit the patient was seen at, shaped by age and conditions. */
import { vitalAbnormalFlags, type VitalValues } from '../clinical/vitals.js';
import { textArray } from '../copy.js';
import type { OrgState } from '../org-state.js';
import type { Rng } from '../random.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, ageInYears, iso } from '../time.js';
import { clamp, type Encounter, type Health, type Patient } from './record.js';

export function writeVitalSigns(state: OrgState, b: Buffers, patient: Patient, health: Health, seen: readonly Encounter[]): void {
  const { ctx, rng, nowMs } = state;
  const { dobDay } = patient;
  const { adultHeight, bmi, conditionKeys } = health;
  for (const e of seen) {
    const ageNow = ageInYears(dobDay, Math.floor(e.at / DAY));
    const count = e.type === 'TELEHEALTH' ? 1 : e.type === 'INPATIENT' ? rng.between(2, 3) : rng.weighted([1, 2, 3], [25, 45, 30]);
    const span = Math.max(10 * MINUTE, (e.endedAt ?? Math.min(nowMs, e.startedAt! + 2 * HOUR)) - e.startedAt!);
    for (let k = 0; k < count; k++) {
      const recordedAt = Math.min(nowMs - MINUTE, e.startedAt! + Math.floor((span * k) / count) + rng.int(8) * MINUTE);
      const recorder = e.type === 'TELEHEALTH' ? e.provider : rng.pick(ctx.nurses);
      let v: VitalValues;
      let weight: number | null = null;
      let height: number | null = null;
      let pain: number | null = null;
      if (e.type === 'TELEHEALTH') {
        v = { systolicBp: null, diastolicBp: null, heartRate: null, respiratoryRate: null, temperatureC: null, spo2: null };
        weight = bodyWeight(ageNow, adultHeight, bmi, rng);
      } else {
        v = vitalValues(rng, ageNow, conditionKeys, e, k);
        if (k === 0) {
          weight = bodyWeight(ageNow, adultHeight, bmi, rng);
          if (ageNow < 18 || rng.chance(0.35)) height = bodyHeight(ageNow, adultHeight);
        }
      }
      if (rng.chance(0.6)) {
        pain = e.acute ? rng.between(2, 7) : conditionKeys.has('LBP') || conditionKeys.has('OA_KNEE') ? rng.between(2, 6) : rng.weighted([0, 1, 2, 3], [70, 12, 10, 8]);
      }
      if (k === 0 && e.vitals === null) e.vitals = v;
      const flags = vitalAbnormalFlags(v, ageInYears(dobDay, Math.floor(recordedAt / DAY)));
      b.vital_signs.add([
        ctx.id, rng.uuid(), patient.id, e.id, recorder.id, iso(recordedAt), v.systolicBp, v.diastolicBp, v.heartRate,
        v.respiratoryRate, v.temperatureC === null ? null : v.temperatureC.toFixed(1), v.spo2,
        weight === null ? null : weight.toFixed(2), height === null ? null : height.toFixed(1), pain,
        e.type === 'TELEHEALTH' ? 'Patient-reported weight (telehealth).' : flags.length > 0 && rng.chance(0.4) ? 'Repeat measurement advised.' : null,
        flags.length > 0, textArray(flags), iso(recordedAt), iso(recordedAt),
      ]);
    }
  }
}

function vitalValues(rng: Rng, age: number, conditions: ReadonlySet<string>, e: Encounter, k: number): VitalValues {
  const band = age < 1 ? 0 : age < 6 ? 1 : age < 13 ? 2 : age < 18 ? 3 : 4;
  const norms = [
    { hr: [130, 14], rr: [42, 7], sbp: [86, 7], dbp: [52, 5] },
    { hr: [108, 12], rr: [28, 4], sbp: [96, 6], dbp: [58, 5] },
    { hr: [92, 10], rr: [21, 3], sbp: [105, 6], dbp: [66, 5] },
    { hr: [78, 9], rr: [16, 2], sbp: [112, 8], dbp: [70, 6] },
    { hr: [76, 9], rr: [16, 2], sbp: [120, 11], dbp: [76, 7] },
  ][band]!;
  const acuteFever = e.acute?.febrile === true && k === 0 && rng.chance(0.7);
  let sbp = rng.normal(norms.sbp[0]! + (age >= 60 ? 6 : 0), norms.sbp[1]!);
  let dbp = rng.normal(norms.dbp[0]!, norms.dbp[1]!);
  if (conditions.has('HTN')) {
    sbp += rng.normal(16, 10);
    dbp += rng.normal(8, 6);
  }
  let hr = conditions.has('AFIB') ? rng.normal(96, 18) : rng.normal(norms.hr[0]!, norms.hr[1]!);
  let rr = rng.normal(norms.rr[0]!, norms.rr[1]!);
  const temp = acuteFever ? rng.normal(38.5, 0.5) : rng.normal(36.8, 0.3);
  let spo2 = rng.normal(98, 1.1);
  if (acuteFever) hr += rng.normal(14, 5);
  if (conditions.has('COPD')) spo2 = rng.normal(93, 2);
  if (e.acute?.key === 'PNEUMONIA' || e.acute?.key === 'COVID') {
    spo2 = rng.normal(93, 2.5);
    rr += rng.normal(5, 2);
  }
  if (e.type === 'EMERGENCY' && rng.chance(0.1)) hr += rng.normal(25, 8);
  if (rng.chance(0.02)) sbp -= rng.normal(30, 8);
  sbp = Math.round(clamp(sbp, 55, 240));
  dbp = Math.round(clamp(dbp, 30, Math.min(140, sbp - 12)));
  return {
    systolicBp: sbp,
    diastolicBp: dbp,
    heartRate: Math.round(clamp(hr, 35, 220)),
    respiratoryRate: Math.round(clamp(rr, 8, 70)),
    temperatureC: Math.round(clamp(temp, 34.5, 41.5) * 10) / 10,
    spo2: Math.round(clamp(spo2, 75, 100)),
  };
}

function bodyHeight(age: number, adultHeight: number): number {
  if (age < 1) return 50 + 25 * age;
  if (age < 2) return 75 + 12 * (age - 1);
  if (age < 18) return 87 + (adultHeight - 87) * Math.min(1, (age - 2) / 15);
  return adultHeight - (age > 70 ? 0.1 * (age - 70) : 0);
}

function bodyWeight(age: number, adultHeight: number, bmi: number, rng: Rng): number {
  let weight: number;
  if (age < 1) weight = 3.4 + 6.5 * age;
  else if (age < 2) weight = 9.9 + 2.5 * (age - 1);
  else {
    const h = bodyHeight(age, adultHeight) / 100;
    const b = age < 18 ? (15.5 + 0.33 * (age - 2)) * (1 + 0.08 * (bmi - 26.5) / 4.5) : bmi;
    weight = clamp(b, 13, 60) * h * h;
  }
  return Math.round(clamp(weight * (1 + rng.normal(0, 0.015)), 2, 300) * 10) / 10;
}
