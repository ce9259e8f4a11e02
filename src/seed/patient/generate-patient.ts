/**
 * One synthetic patient and their whole record: demographics, encounters,
 * vitals, problems, notes, labs, imaging, findings, allergies, prescriptions,
 * appointments, invoices with payments, and lab-order workflow instances.
 * Every row is buffered as COPY text; values satisfy the schema's CHECKs.
 *
 * The steps draw from the organization's one random stream in a fixed order:
 * the same seed gives the same rows only as long as that order is kept.
 */
import { CONDITIONS, ageBand, type Condition } from '../clinical/conditions.js';
import type { OrgState } from '../org-state.js';
import type { Rng } from '../random.js';
import type { Buffers } from '../tables.js';
import { writeAppointments } from './appointments.js';
import { sampleForQueue, writeDemographics } from './demographics.js';
import { planEncounters, writeEncounters } from './encounters.js';
import { writeFindings, writeImagingOrders } from './imaging-orders.js';
import { writeInvoices } from './invoices.js';
import { writeLabTests } from './lab-orders.js';
import { writeNotes } from './notes.js';
import { writePrescriptions } from './prescriptions.js';
import { writeAllergies, writeProblems } from './problems.js';
import type { Health, Patient, Sex } from './record.js';
import { writeVitalSigns } from './vital-signs.js';

const ENCOUNTER_COUNTS = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const ENCOUNTER_COUNT_WEIGHTS = [6, 17, 22, 21, 14, 9, 6, 3, 2]; // mean ≈ 3

/** Generates one patient with all nested records into `b`. */
export function generatePatient(state: OrgState, b: Buffers, indexInOrg: number): void {
  const patient = writeDemographics(state, b, indexInOrg);
  sampleForQueue(state, patient);
  const health = planHealth(state, patient);

  const encounters = planEncounters(state, patient, health);
  const seen = encounters.filter((e) => e.status === 'COMPLETED' || e.status === 'IN_PROGRESS');
  writeEncounters(state, b, patient, encounters);
  writeVitalSigns(state, b, patient, health, seen);
  const problems = writeProblems(state, b, patient, health, encounters, seen);
  const allergyClasses = writeAllergies(state, b, patient);
  writeNotes(state, b, patient, seen, problems);
  writeLabTests(state, b, patient, health, seen);
  writeImagingOrders(state, b, patient, health, seen, allergyClasses);
  writeFindings(state, b, patient, health, seen);
  writePrescriptions(state, b, patient, health, problems, seen, allergyClasses);
  writeAppointments(state, b, patient, health, encounters.length > 0);
  writeInvoices(state, b, patient, encounters);
}

/** The patient's body, primary physician, number of visits and conditions (chosen first, recorded later). */
function planHealth(state: OrgState, patient: Patient): Health {
  const { ctx, rng, anchorDay } = state;
  const { showcase, age, sex, dobDay } = patient;
  // Patient-level physiology: adult height and a body-mass tendency.
  const adultHeight = sex === 'MALE' ? rng.normal(176, 7) : sex === 'FEMALE' ? rng.normal(163, 6.5) : rng.normal(170, 8);
  const bmiZ = rng.normal(0, 1);
  const primary = rng.int(ctx.physicians.length);

  const problemCount = showcase ? rng.between(2, 3) : rng.weighted([0, 1, 2, 3, 4], [25, 30, 25, 12, 8]);
  const encounterCount = showcase ? Math.max(2, rng.weighted(ENCOUNTER_COUNTS, ENCOUNTER_COUNT_WEIGHTS)) : rng.weighted(ENCOUNTER_COUNTS, ENCOUNTER_COUNT_WEIGHTS);
  const windowStart = Math.max(patient.registeredDay, anchorDay - 3 * 365, dobDay + 1);
  const windowEnd = patient.lastActivityDay - 1;
  const canMeet = windowStart <= windowEnd;
  // An acute problem needs a visit to be diagnosed at.
  const conditions = pickConditions(rng, age, sex, problemCount, canMeet && encounterCount > 0);
  const chronic = conditions.filter((c) => c.chronic);
  const acute = conditions.filter((c) => !c.chronic);
  const conditionKeys = new Set(conditions.map((c) => c.key));
  const bmi = (conditionKeys.has('OBESITY') ? 31 + Math.abs(rng.normal(0, 4)) : 26.5 + 4.5 * bmiZ);
  return { adultHeight, bmi, primary, encounterCount, windowStart, windowEnd, conditions, chronic, acute, conditionKeys };
}

function pickConditions(rng: Rng, age: number, sex: Sex, count: number, allowAcute: boolean): Condition[] {
  const band = ageBand(age);
  const pool = CONDITIONS.filter(
    (c) => (c.sex === undefined || c.sex === sex) && c.weights[band] > 0 && (allowAcute || c.chronic),
  );
  const chosen: Condition[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const c = rng.weighted(pool, pool.map((p) => p.weights[band]));
    chosen.push(c);
    pool.splice(pool.indexOf(c), 1);
  }
  return chosen;
}
