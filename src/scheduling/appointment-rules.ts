import { badInput } from '../kernel/errors.js';

export type AppointmentStatus = 'SCHEDULED' | 'CHECKED_IN' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';

/**
 * The appointment life cycle, the only place that says which status may
 * follow which: SCHEDULED → CHECKED_IN → IN_PROGRESS → COMPLETED, or CANCELLED
 * (before the consultation starts) or NO_SHOW (the patient never came).
 */
const NEXT: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  SCHEDULED: ['CHECKED_IN', 'CANCELLED', 'NO_SHOW'],
  CHECKED_IN: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED'],
  COMPLETED: [],
  CANCELLED: [],
  NO_SHOW: [],
};


/** Longest slot that can be booked. */
export const MAX_DURATION_MS = 12 * 60 * 60_000;
/** Clock skew tolerated between a client's "now" and ours when refusing past times. */
const PAST_SLACK_MS = 60_000;

export function canTransition(from: string, to: AppointmentStatus): boolean {
  return (NEXT[from as AppointmentStatus] ?? []).includes(to);
}

export function assertAppointmentTransition(from: string, to: AppointmentStatus): void {
  if (!canTransition(from, to)) {
    throw badInput(`An appointment cannot go from ${from} to ${to}`, 'id', { from, to });
  }
}

/** Only a SCHEDULED appointment can be moved. */
export function assertReschedulable(status: string): void {
  if (status !== 'SCHEDULED') throw badInput(`Only a SCHEDULED appointment can be rescheduled (this one is ${status})`, 'id');
}

/** A bookable time range: start not in the past, end after start, at most 12 hours long. */
export function assertSlot(start: Date, end: Date, now = new Date()): void {
  if (start.getTime() < now.getTime() - PAST_SLACK_MS) {
    throw badInput(`startsAt ${start.toISOString()} is in the past`, 'startsAt');
  }
  if (end.getTime() <= start.getTime()) throw badInput('endsAt must be after startsAt', 'endsAt');
  if (end.getTime() - start.getTime() > MAX_DURATION_MS) throw badInput('An appointment lasts at most 12 hours', 'endsAt');
}

/** NO_SHOW only once the appointment should have started. */
export function assertNoShowDue(start: Date, now = new Date()): void {
  if (start.getTime() > now.getTime()) {
    throw badInput(`The appointment starts at ${start.toISOString()}; it can be marked NO_SHOW only after that`, 'id');
  }
}

/**
 * Check-in happens on the appointment's own day, on the organization's calendar (both dates YYYY-MM-DD in its
 * time zone), and the patient joins that day's queue: tomorrow's patient cannot be checked in (and called)
 * tonight, and an appointment of an earlier day is over (mark it NO_SHOW; book again or queue a walk-in). A
 * patient late on the same day can still be checked in.
 */
export function assertCheckInDay(appointmentDay: string, today: string): void {
  if (appointmentDay > today) {
    throw badInput(`The appointment is on ${appointmentDay}; check-in opens on that day (today is ${today})`, 'id', { appointmentDay, today });
  }
  if (appointmentDay < today) {
    throw badInput(
      `The appointment was on ${appointmentDay}, a past day: it cannot be checked in; mark it NO_SHOW, then book a new appointment or queue a walk-in`,
      'id',
      { appointmentDay, today },
    );
  }
}
