/** The patient's problem list (the conditions chosen up front, recorded at a visit) and drug allergies. */
import { ALLERGENS } from '../clinical/medications.js';
import type { OrgState } from '../org-state.js';
import type { Rng } from '../random.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, iso, isoDate } from '../time.js';
import type { Encounter, Health, Patient, Problem } from './record.js';

/**
 * An acute problem is recorded at its visit and usually resolved within weeks
 * (skipped when it got no visit); a chronic one at the first visit, with an
 * onset up to 12 years before.
 */
export function writeProblems(
  state: OrgState,
  b: Buffers,
  patient: Patient,
  health: Health,
  encounters: readonly Encounter[],
  seen: readonly Encounter[],
): Problem[] {
  const { ctx, rng, anchorDay } = state;
  const { dobDay, registeredDay, registeredAt, lastActivityDay } = patient;
  const firstSeen = seen[0] ?? null;
  const problems: Problem[] = [];
  for (const c of health.conditions) {
    let encounter: Encounter | null;
    let onsetDay: number;
    let statusValue: string;
    let resolvedDay: number | null = null;
    if (!c.chronic) {
      encounter = encounters.find((e) => e.acute === c) ?? null;
      if (!encounter) continue;
      onsetDay = Math.max(dobDay, Math.floor(encounter.at / DAY) - rng.between(0, 4));
      const resolveDay = Math.floor(encounter.at / DAY) + rng.between(5, 21);
      if (resolveDay < anchorDay && encounter.status !== 'CANCELLED') {
        statusValue = rng.chance(0.92) ? 'RESOLVED' : 'INACTIVE';
        if (statusValue === 'RESOLVED') resolvedDay = resolveDay;
      } else {
        statusValue = 'ACTIVE';
      }
    } else {
      encounter = firstSeen;
      const recordedDay = encounter ? Math.floor(encounter.at / DAY) : Math.min(registeredDay, lastActivityDay - 1);
      const earliest = Math.max(dobDay + 365, recordedDay - 12 * 365);
      onsetDay = earliest < recordedDay ? rng.between(earliest, recordedDay) : recordedDay;
      statusValue = rng.weighted(['ACTIVE', 'INACTIVE', 'RESOLVED'], [88, 7, 5]);
      if (statusValue === 'RESOLVED') resolvedDay = Math.min(anchorDay - 1, onsetDay + rng.between(60, 900));
      if (resolvedDay !== null && resolvedDay < onsetDay) resolvedDay = onsetDay;
    }
    const recorder = encounter?.provider ?? ctx.physicians[health.primary]!;
    const recordedAt = encounter ? (encounter.startedAt ?? encounter.at) + 20 * MINUTE : registeredAt + HOUR;
    problems.push({ condition: c, status: statusValue, encounter, onsetDay });
    b.problem_list.add([
      ctx.id, rng.uuid(), patient.id, encounter?.id ?? null, c.code, 'ICD-10-CM', c.description, statusValue,
      rng.weighted(['MILD', 'MODERATE', 'SEVERE'], [50, 40, 10]), isoDate(onsetDay),
      resolvedDay === null ? null : isoDate(resolvedDay), recorder.id,
      rng.chance(0.15) ? rng.pick(['Patient educated on condition.', 'Discussed lifestyle modification.', 'Monitor at next visit.', 'Family history positive.']) : null,
      iso(recordedAt), iso(resolvedDay === null ? recordedAt : Math.max(recordedAt, resolvedDay * DAY + 9 * HOUR)),
    ]);
  }
  return problems;
}

/** Writes the patient's drug allergies; returns the drug classes of the active ones (which prescriptions avoid). */
export function writeAllergies(state: OrgState, b: Buffers, patient: Patient): Set<string> {
  const { ctx, rng } = state;
  const { showcase, dobDay, registeredDay, registeredAt } = patient;
  const allergyCount = showcase ? 1 : rng.weighted([0, 1, 2], [76, 19, 5]);
  const allergyClasses = new Set<string>();
  const allergens = allergyCount === 0 ? [] : pickAllergens(rng, allergyCount);
  for (const a of allergens) {
    const allergyStatus = showcase ? 'ACTIVE' : rng.weighted(['ACTIVE', 'INACTIVE', 'RESOLVED', 'ENTERED_IN_ERROR'], [92, 3, 3, 2]);
    if (allergyStatus === 'ACTIVE') allergyClasses.add(a.drugClass);
    const reaction = rng.pick(a.reactions);
    const severity = /anaphyla|stevens|angioedema/i.test(reaction)
      ? rng.pick(['SEVERE', 'LIFE_THREATENING'])
      : rng.weighted(['MILD', 'MODERATE', 'SEVERE'], [45, 45, 10]);
    const onset = rng.chance(0.6) && registeredDay > dobDay ? isoDate(rng.between(dobDay, registeredDay)) : null;
    b.drug_allergies.add([
      ctx.id, rng.uuid(), patient.id, a.allergen, a.code, reaction, severity, allergyStatus, onset, rng.pick(ctx.nurses).id,
      allergyStatus === 'ENTERED_IN_ERROR' ? 'Recorded for the wrong patient.' : null, iso(registeredAt + 30 * MINUTE),
      iso(registeredAt + 30 * MINUTE),
    ]);
  }
  return allergyClasses;
}

function pickAllergens(rng: Rng, count: number) {
  const pool = ALLERGENS.slice();
  const chosen: (typeof ALLERGENS)[number][] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const a = rng.weighted(pool, pool.map((x) => x.weight));
    chosen.push(a);
    pool.splice(pool.indexOf(a), 1);
  }
  return chosen;
}
