/** The patient's visits: when, what kind, with whom and why, and their encounter rows. */
import { PEDIATRIC_REASONS, ROUTINE_REASONS, type Condition } from '../clinical/conditions.js';
import type { OrgState } from '../org-state.js';
import type { Department, OrgContext, StaffUser } from '../setup.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, isWeekend, iso, weekday } from '../time.js';
import { cap, type Encounter, type Health, type Patient } from './record.js';

export const CANCEL_REASONS = ['Patient request', 'Provider unavailable', 'Patient feeling better', 'Scheduling conflict', 'Transportation problem', 'Weather'];

/**
 * The visits in the patient's window, in time order, each acute problem at one
 * of them; then, rarely, a planned follow-up in the coming month.
 */
export function planEncounters(state: OrgState, patient: Patient, health: Health): Encounter[] {
  const { ctx, rng, anchorDay } = state;
  const { indexInOrg } = patient;
  const { windowStart, windowEnd, chronic, primary } = health;
  const encounters: Encounter[] = [];
  if (windowStart <= windowEnd) {
    const days: number[] = [];
    for (let i = 0; i < health.encounterCount; i++) days.push(rng.between(windowStart, windowEnd));
    if (indexInOrg === 1 && days.length > 0) days[0] = windowEnd; // a recent visit with open orders
    days.sort((x, y) => x - y);
    const acuteQueue = health.acute.slice();
    days.forEach((day, i) => {
      // Acute problems go to random visits (at least one visit each).
      const takeAcute = acuteQueue.length > 0 && (rng.chance(0.5) || days.length - i <= acuteQueue.length);
      const cond = takeAcute ? acuteQueue.shift()! : null;
      encounters.push(makeEncounter(state, day, cond, chronic, patient.age, primary, indexInOrg === 1 && i === days.length - 1));
    });
  }
  // A few planned future visits.
  if (patient.status === 'ACTIVE' && rng.chance(0.03)) {
    const day = anchorDay + rng.between(1, 30);
    const provider = ctx.physicians[primary]!;
    const at = ctx.clock.at(isWeekend(day) ? day + 2 : day, 8 * 60 + rng.int(34) * 15);
    encounters.push({
      id: rng.uuid(), type: 'FOLLOW_UP', status: 'PLANNED', at, startedAt: null, endedAt: null, provider,
      department: departmentFor(ctx, patient.isChild, chronic), acute: null, reason: chronic[0] ? cap(chronic[0].complaint) : 'Routine follow-up',
      vitals: null, labPanels: [], imaging: [], prescriptions: 0,
    });
  }
  return encounters;
}

export function writeEncounters(state: OrgState, b: Buffers, patient: Patient, encounters: readonly Encounter[]): void {
  const { ctx, rng, nowMs } = state;
  for (const e of encounters) {
    const created = e.type === 'EMERGENCY' || e.type === 'INPATIENT'
      ? e.at
      : Math.min(nowMs - HOUR, e.at, Math.max(patient.registeredAt, e.at - rng.between(1, 30) * DAY));
    const scheduled = e.type === 'EMERGENCY' || e.type === 'INPATIENT' ? null : e.at;
    const disposition = e.status !== 'COMPLETED'
      ? null
      : e.type === 'EMERGENCY'
        ? rng.weighted(['Discharged home', 'Admitted to inpatient ward', 'Transferred to another facility', 'Left against medical advice'], [85, 10, 3, 2])
        : e.type === 'INPATIENT'
          ? rng.weighted(['Discharged home', 'Discharged home with home health', 'Discharged to skilled nursing facility'], [78, 12, 10])
          : 'Home';
    const notes = e.status === 'CANCELLED'
      ? `Cancelled: ${rng.pick(CANCEL_REASONS).toLowerCase()}.`
      : rng.chance(0.2) ? rng.pick(['Accompanied by family member.', 'Interpreter used.', 'Patient arrived late.', 'Follow-up arranged.', 'Records from outside provider reviewed.']) : null;
    b.encounters.add([
      ctx.id, e.id, patient.id, e.provider.id, e.department.id, e.type, e.status, iso(e.at), e.reason,
      e.acute ? cap(e.acute.complaint) : null, notes, scheduled === null ? null : iso(scheduled),
      e.startedAt === null ? null : iso(e.startedAt), e.endedAt === null ? null : iso(e.endedAt), disposition,
      iso(created), iso(e.endedAt ?? e.startedAt ?? created),
    ]);
  }
}

export function departmentFor(ctx: OrgContext, child: boolean, chronic: readonly Condition[]): Department {
  if (child) return ctx.departments.get('PEDS')!;
  if (chronic.some((c) => c.key === 'AFIB' || c.key === 'HF')) return ctx.departments.get('CARD')!;
  return ctx.departments.get('GMED')!;
}

function makeEncounter(
  state: OrgState,
  day: number,
  acute: Condition | null,
  chronic: readonly Condition[],
  age: number,
  primary: number,
  recentShowcase: boolean,
): Encounter {
  const { ctx, rng, nowMs } = state;
  const child = age < 18;
  const { type: usualType, reason } = encounterKind(state, acute, chronic, age);
  const type = recentShowcase ? 'OUTPATIENT' : usualType;
  const department =
    type === 'EMERGENCY' ? ctx.departments.get('ED')! : type === 'INPATIENT' ? ctx.departments.get('WARD')! : departmentFor(ctx, child, chronic);
  const provider: StaffUser = type === 'EMERGENCY' || rng.chance(0.2) ? rng.pick(ctx.physicians) : ctx.physicians[primary]!;

  const time = encounterTime(state, type, day);
  let at = time.at;
  if (at > nowMs - 2 * HOUR) at = nowMs - 2 * HOUR - rng.int(6 * 60) * MINUTE;
  const cancellable = type !== 'EMERGENCY' && type !== 'INPATIENT' && !recentShowcase && acute === null;
  if (cancellable && rng.chance(0.05)) {
    return { id: rng.uuid(), type, status: 'CANCELLED', at, startedAt: null, endedAt: null, provider, department, acute, reason, vitals: null, labPanels: [], imaging: [], prescriptions: 0 };
  }
  const startedAt = at + rng.int(type === 'EMERGENCY' ? 45 : 20) * MINUTE;
  let endedAt: number | null = startedAt + time.duration;
  let status = 'COMPLETED';
  if (endedAt > nowMs) {
    status = 'IN_PROGRESS';
    endedAt = null;
  }
  return { id: rng.uuid(), type, status, at, startedAt, endedAt, provider, department, acute, reason, vitals: null, labPanels: [], imaging: [], prescriptions: 0 };
}

/** The kind of visit and its reason: the acute problem's, a chronic problem's follow-up, or a routine one. */
function encounterKind(state: OrgState, acute: Condition | null, chronic: readonly Condition[], age: number): { type: string; reason: string } {
  const { rng } = state;
  if (acute) {
    const type = acute.key === 'PNEUMONIA'
      ? rng.weighted(['EMERGENCY', 'INPATIENT', 'OUTPATIENT'], [45, 30, 25])
      : rng.weighted(['OUTPATIENT', 'EMERGENCY', 'TELEHEALTH', 'FOLLOW_UP'], [58, 24, 12, 6]);
    return { type, reason: cap(acute.complaint) };
  }
  if (chronic.length > 0 && rng.chance(0.75)) {
    const c = rng.pick(chronic);
    const type = rng.weighted(['FOLLOW_UP', 'OUTPATIENT', 'TELEHEALTH', 'HOME_VISIT', 'INPATIENT', 'EMERGENCY'],
      [46, 26, 14, age >= 75 ? 6 : 0.5, c.key === 'HF' || c.key === 'COPD' || c.key === 'CKD3' ? 10 : 4, 4]);
    return { type, reason: type === 'INPATIENT' || type === 'EMERGENCY' ? `Exacerbation: ${c.complaint}` : cap(c.complaint) };
  }
  const type = rng.weighted(['OUTPATIENT', 'FOLLOW_UP', 'TELEHEALTH', 'EMERGENCY'], [74, 10, 10, 6]);
  const reason = type === 'EMERGENCY'
    ? rng.pick(['Minor laceration', 'Fall without injury', 'Chest pain, ruled out', 'Dizziness'])
    : rng.pick(age < 18 ? PEDIATRIC_REASONS : ROUTINE_REASONS);
  return { type, reason };
}

/** When the visit starts and how long it lasts: emergencies and admissions at any hour, the rest in clinic hours. */
function encounterTime(state: OrgState, type: string, day: number): { at: number; duration: number } {
  const { ctx, rng } = state;
  const clinicDay = (d: number) => (isWeekend(d) ? d - (weekday(d) === 6 ? 1 : 2) : d);
  switch (type) {
    case 'EMERGENCY':
      return { at: ctx.clock.at(day, rng.int(24 * 60)), duration: rng.between(60, 360) * MINUTE };
    case 'INPATIENT':
      return { at: ctx.clock.at(day, rng.int(24 * 60)), duration: rng.between(1, 7) * DAY + rng.int(12 * 60) * MINUTE };
    case 'TELEHEALTH':
      return { at: ctx.clock.at(clinicDay(day), 8 * 60 + rng.int(40) * 15), duration: rng.between(10, 25) * MINUTE };
    case 'HOME_VISIT':
      return { at: ctx.clock.at(clinicDay(day), 9 * 60 + rng.int(24) * 15), duration: rng.between(30, 60) * MINUTE };
    default:
      return { at: ctx.clock.at(clinicDay(day), 8 * 60 + rng.int(34) * 15), duration: rng.between(15, 45) * MINUTE };
  }
}
