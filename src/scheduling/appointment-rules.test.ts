import { describe, expect, it } from 'vitest';
import {
  assertAppointmentTransition,
  assertCheckInDay,
  assertNoShowDue,
  assertReschedulable,
  assertSlot,
  canTransition,
  type AppointmentStatus,
} from './appointment-rules.js';
import { refusedOn } from '../../test/helpers/refusals.js';

const STATUSES: AppointmentStatus[] = ['SCHEDULED', 'CHECKED_IN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW'];
const ALLOWED = new Set(['SCHEDULED→CHECKED_IN', 'SCHEDULED→CANCELLED', 'SCHEDULED→NO_SHOW', 'CHECKED_IN→IN_PROGRESS', 'CHECKED_IN→CANCELLED', 'IN_PROGRESS→COMPLETED']);
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('the appointment life cycle', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    const allowed = ALLOWED.has(`${from}→${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) expect(() => assertAppointmentTransition(from, to)).not.toThrow();
    else {
      expect(() => assertAppointmentTransition(from, to)).toThrow(
        expect.objectContaining({ message: `An appointment cannot go from ${from} to ${to}`, extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to } }),
      );
    }
  });

  it('moves only a SCHEDULED appointment', () => {
    expect(() => assertReschedulable('SCHEDULED')).not.toThrow();
    expect(() => assertReschedulable('CHECKED_IN')).toThrow(refusedOn('id', /\(this one is CHECKED_IN\)/));
  });
});

const NOW = new Date('2025-06-15T10:00:00Z');
const at = (offsetMinutes: number) => new Date(NOW.getTime() + offsetMinutes * 60_000);

describe('assertSlot', () => {
  it('books a slot from a minute ago up to 12 hours long', () => {
    expect(() => assertSlot(at(-1), at(29), NOW)).not.toThrow();
    expect(() => assertSlot(at(60), at(60 + 12 * 60), NOW)).not.toThrow();
  });

  it('refuses a start more than a minute in the past', () => {
    expect(() => assertSlot(new Date(at(-1).getTime() - 1), at(30), NOW)).toThrow(refusedOn('startsAt', /is in the past$/));
  });

  it('refuses an end at or before the start, and a slot over 12 hours', () => {
    expect(() => assertSlot(at(30), at(30), NOW)).toThrow(refusedOn('endsAt', /endsAt must be after startsAt/));
    expect(() => assertSlot(at(30), at(20), NOW)).toThrow(refusedOn('endsAt'));
    expect(() => assertSlot(at(60), new Date(at(60 + 12 * 60).getTime() + 1), NOW)).toThrow(refusedOn('endsAt', /at most 12 hours/));
  });
});

describe('assertNoShowDue and assertCheckInDay', () => {
  it('marks NO_SHOW only from the start on', () => {
    expect(() => assertNoShowDue(NOW, NOW)).not.toThrow();
    expect(() => assertNoShowDue(at(1), NOW)).toThrow(refusedOn('id', /can be marked NO_SHOW only after that/));
  });

  it('checks in only on the appointment\'s own day (organization calendar), never before nor after it', () => {
    expect(() => assertCheckInDay('2026-03-02', '2026-03-02')).not.toThrow();
    expect(() => assertCheckInDay('2026-03-03', '2026-03-02')).toThrow(refusedOn('id', /check-in opens on that day/));
    expect(() => assertCheckInDay('2026-02-20', '2026-03-02')).toThrow(refusedOn('id', /a past day: it cannot be checked in/));
  });
});
