/**
 * Prescriptions: a drug for most problems (none the patient is allergic to,
 * none unsuitable for a child), sometimes a symptomatic one at a visit; each
 * drug at most once per patient.
 */
import { MEDICATION_BY_KEY, SYMPTOMATIC_MEDS, type Medication } from '../clinical/medications.js';
import type { OrgState } from '../org-state.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, iso, isoDate } from '../time.js';
import type { Encounter, Health, Patient, Problem } from './record.js';

export function writePrescriptions(
  state: OrgState,
  b: Buffers,
  patient: Patient,
  health: Health,
  problems: readonly Problem[],
  seen: readonly Encounter[],
  allergyClasses: ReadonlySet<string>,
): void {
  const { rng, anchorDay } = state;
  const { age } = patient;
  const prescribed = new Set<string>();
  const prescribe = (med: Medication, e: Encounter | null, startDay: number, chronicTherapy: boolean, problemStatus: string) => {
    if (prescribed.has(med.key)) return;
    prescribed.add(med.key);
    writePrescription(state, b, patient, health, { med, e, startDay, chronicTherapy, problemStatus });
  };
  const allowed = (m: Medication | undefined): m is Medication =>
    m !== undefined && (m.drugClass === undefined || !allergyClasses.has(m.drugClass)) && (age >= 12 || m.pediatric === true);
  for (const p of problems) {
    const c = p.condition;
    const chance = c.chronic ? (p.status === 'ACTIVE' ? 0.78 : 0.5) : 0.72;
    if (c.meds.length === 0 || !(rng.chance(chance) || (patient.showcase && p === problems[0]))) continue;
    const options = c.meds.map((k) => MEDICATION_BY_KEY.get(k)).filter(allowed);
    if (options.length === 0) continue;
    const med = rng.pick(options);
    const e = p.encounter && p.encounter.status !== 'CANCELLED' && p.encounter.status !== 'PLANNED' ? p.encounter : null;
    const startDay = e ? Math.floor(e.at / DAY) : Math.max(p.onsetDay, patient.registeredDay);
    prescribe(med, e, Math.min(startDay, anchorDay - 1), c.chronic, p.status);
  }
  if (seen.length > 0 && rng.chance(0.3)) {
    const e = rng.pick(seen);
    const options = SYMPTOMATIC_MEDS.map((k) => MEDICATION_BY_KEY.get(k)).filter(allowed).filter((m) =>
      (m.route === 'IV' || m.key === 'enoxaparin' ? e.type === 'INPATIENT' || e.type === 'EMERGENCY' : true) &&
      (m.key === 'acetaminophen_pr' ? age < 6 : true) &&
      (m.key === 'nicotine_patch' || m.key === 'nitroglycerin' ? age >= 18 : true));
    if (options.length > 0) prescribe(rng.pick(options), e, Math.floor(e.at / DAY), false, 'ACTIVE');
  }
}

interface Order {
  med: Medication;
  /** The visit it was prescribed at; null when it predates the records. */
  e: Encounter | null;
  startDay: number;
  chronicTherapy: boolean;
  /** The status of the problem it treats: long-term therapy of a problem no longer active was stopped. */
  problemStatus: string;
}

function writePrescription(state: OrgState, b: Buffers, patient: Patient, health: Health, order: Order): void {
  const { ctx, rng, anchorDay, nowMs } = state;
  const { med, e, startDay, chronicTherapy, problemStatus } = order;
  const { deceasedAt } = patient;
  if (e) e.prescriptions += 1;
  const prescriber = e?.provider ?? ctx.physicians[health.primary]!;
  const createdAt = e ? (e.startedAt ?? e.at) + rng.between(15, 40) * MINUTE : ctx.clock.at(startDay, 10 * 60);
  let endDay: number | null = med.durationDays === null ? null : startDay + med.durationDays - 1;
  let rxStatus: string;
  let discontinuedAt: number | null = null;
  let discontinuedReason: string | null = null;
  if (chronicTherapy && problemStatus !== 'ACTIVE') {
    rxStatus = 'DISCONTINUED';
    const stopDay = Math.min(anchorDay - 1, startDay + rng.between(30, 400));
    discontinuedAt = ctx.clock.at(Math.max(stopDay, startDay), 11 * 60);
    discontinuedReason = problemStatus === 'RESOLVED' ? 'Condition resolved' : 'No longer indicated';
    endDay = Math.max(startDay, Math.floor(discontinuedAt / DAY));
  } else if (endDay !== null && endDay < anchorDay) {
    rxStatus = 'COMPLETED';
  } else {
    rxStatus = rng.weighted(['ACTIVE', 'ON_HOLD', 'CANCELLED'], [95, 3, 2]);
  }
  if (deceasedAt !== null && (rxStatus === 'ACTIVE' || rxStatus === 'ON_HOLD') && deceasedAt > createdAt) {
    rxStatus = 'DISCONTINUED';
    discontinuedAt = deceasedAt;
    discontinuedReason = 'Patient deceased';
    endDay = Math.max(startDay, Math.floor(deceasedAt / DAY));
  } else if (rxStatus === 'ACTIVE' && chronicTherapy && rng.chance(0.08)) {
    rxStatus = 'DISCONTINUED';
    discontinuedAt = Math.min(nowMs - HOUR, createdAt + rng.between(14, 300) * DAY);
    discontinuedReason = rng.pick(['Side effects', 'Switched to alternative therapy', 'Patient preference', 'Drug interaction']);
    endDay = Math.max(startDay, Math.floor(discontinuedAt / DAY));
  }
  b.prescriptions.add([
    ctx.id, rng.uuid(), patient.id, e?.id ?? null, prescriber.id, med.name, med.code, med.dosage,
    med.doseAmount, med.doseUnit, med.route, med.frequency, med.durationDays, med.quantity.toFixed(2),
    chronicTherapy ? med.refills : Math.min(med.refills, 1), med.instructions, rxStatus, isoDate(startDay),
    endDay === null ? null : isoDate(endDay), discontinuedAt === null ? null : iso(discontinuedAt), discontinuedReason,
    iso(createdAt), iso(discontinuedAt ?? createdAt),
  ]);
}
