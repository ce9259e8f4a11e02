/** Appointments booked in the physicians' calendars: past ones kept, missed or cancelled, future ones scheduled. */
import { PEDIATRIC_REASONS, ROUTINE_REASONS } from '../clinical/conditions.js';
import type { OrgState } from '../org-state.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, iso } from '../time.js';
import { CANCEL_REASONS } from './encounters.js';
import { cap, type Health, type Patient } from './record.js';

/**
 * Up to three appointments; future ones only for active patients, the first a new-patient visit when there was no
 * encounter. A patient's live appointments never overlap (appointments_no_patient_overlap): one that would, with
 * another provider, is written as a cancelled request.
 */
export function writeAppointments(state: OrgState, b: Buffers, patient: Patient, health: Health, hadEncounters: boolean): void {
  const { rng } = state;
  const appointmentCount = patient.showcase ? 2 : rng.weighted([0, 1, 2, 3], [30, 45, 20, 5]);
  const live: [number, number][] = [];
  for (let i = 0; i < appointmentCount; i++) {
    const future = patient.status === 'ACTIVE' && (patient.showcase ? i === 1 : rng.chance(0.3));
    writeAppointment(state, b, patient, health, future, i === 0 && !hadEncounters, live);
  }
}

function writeAppointment(
  state: OrgState,
  b: Buffers,
  patient: Patient,
  health: Health,
  future: boolean,
  newPatient: boolean,
  live: [number, number][],
): void {
  const { ctx, rng, nowMs } = state;
  const { id: patientId, isChild: child, registeredAt } = patient;
  const { chronic, primary } = health;
  const lastDay = patient.lastActivityDay - 1;
  const providerIndex = rng.chance(0.7) ? primary : rng.int(ctx.physicians.length);
  const provider = ctx.physicians[providerIndex]!;
  const slot = future
    ? state.futureSlots.take(rng, providerIndex, state.anchorDay + 1, Infinity)
    : state.pastSlots.take(rng, providerIndex, Math.floor(registeredAt / DAY) + 1, lastDay);
  let status: string;
  let start: number;
  if (slot) {
    start = ctx.clock.at(slot[0], slot[1]);
    status = future ? rng.weighted(['SCHEDULED', 'CANCELLED'], [92, 8]) : rng.weighted(['COMPLETED', 'NO_SHOW', 'CANCELLED'], [80, 10, 10]);
  } else {
    // The provider's calendar is full: a cancelled request does not occupy a slot.
    const day = future ? state.anchorDay + rng.between(1, 60) : state.anchorDay - rng.between(1, 365);
    start = ctx.clock.at(day, 8 * 60 + rng.int(18) * 30);
    status = 'CANCELLED';
  }
  if (!future && start > nowMs - HOUR) start = nowMs - HOUR - rng.int(48) * 30 * MINUTE;
  const end = start + 30 * MINUTE;
  if (status !== 'CANCELLED' && status !== 'NO_SHOW') {
    if (live.some(([s, e]) => s < end && start < e)) status = 'CANCELLED';
    else live.push([start, end]);
  }
  const type = newPatient
    ? 'NEW_PATIENT'
    : rng.weighted(['FOLLOW_UP', 'CONSULTATION', 'TELEHEALTH', 'PROCEDURE', 'LAB', 'IMAGING', 'VACCINATION', 'NEW_PATIENT'], [40, 18, 10, 6, 10, 5, child ? 10 : 4, 3]);
  const reason = type === 'VACCINATION'
    ? rng.pick(['Influenza vaccine', 'COVID-19 booster', 'Tdap booster', child ? 'Routine childhood immunizations' : 'Shingles vaccine'])
    : type === 'LAB' ? 'Blood draw for ordered tests' : type === 'IMAGING' ? 'Scheduled imaging study'
      : chronic.length > 0 && rng.chance(0.7) ? cap(rng.pick(chronic).complaint) : rng.pick(child ? PEDIATRIC_REASONS : ROUTINE_REASONS);
  const createdAt = future
    ? Math.max(registeredAt, nowMs - rng.between(1, 45) * DAY)
    : Math.max(registeredAt, start - rng.between(1, 60) * DAY);
  const created = Math.min(createdAt, start - HOUR, nowMs - MINUTE);
  const cancelledAt = status === 'CANCELLED' ? Math.min(nowMs - MINUTE, created + Math.floor((start - created) * rng.next())) : null;
  const checkedInAt = status === 'COMPLETED' ? start - rng.between(5, 20) * MINUTE : null;
  const department = child ? ctx.departments.get('PEDS')! : provider.specialty === 'Cardiology' ? ctx.departments.get('CARD')! : ctx.departments.get('GMED')!;
  b.appointments.add([
    ctx.id, rng.uuid(), patientId, provider.id, department.id, iso(start), iso(end), type, status, reason,
    rng.chance(0.1) ? rng.pick(['Needs interpreter', 'Wheelchair access requested', 'Bring medication list', 'Fasting required']) : null,
    cancelledAt === null ? null : rng.pick(CANCEL_REASONS), cancelledAt === null ? null : iso(cancelledAt),
    checkedInAt === null ? null : iso(checkedInAt), iso(created),
    iso(cancelledAt ?? (status === 'COMPLETED' ? end : status === 'NO_SHOW' ? end + 15 * MINUTE : created)),
  ]);
}
