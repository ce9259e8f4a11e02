import { describe, expect, it } from 'vitest';
import {
  assertEncounterTime,
  assertEncounterTransition,
  assertNotesSigned,
  encounterClosed,
  isClosedEncounter,
  type EncounterStatus,
} from './encounter-rules.js';

const STATUSES: EncounterStatus[] = ['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'];
const ALLOWED = new Set(['PLANNED→IN_PROGRESS', 'PLANNED→CANCELLED', 'IN_PROGRESS→COMPLETED', 'IN_PROGRESS→CANCELLED']);
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('assertEncounterTransition', () => {
  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}→${to}`)))('allows %s → %s', (from, to) => {
    expect(() => assertEncounterTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}→${to}`)))('refuses %s → %s, naming both', (from, to) => {
    expect(() => assertEncounterTransition(from, to)).toThrow(
      expect.objectContaining({
        message: `An encounter cannot go from ${from} to ${to}`,
        extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to },
      }),
    );
  });

  it('refuses a status the life cycle does not know', () => {
    expect(() => assertEncounterTransition('ARRIVED', 'IN_PROGRESS')).toThrow('An encounter cannot go from ARRIVED to IN_PROGRESS');
  });
});

describe('assertEncounterTime', () => {
  const NOW = new Date('2026-03-02T12:00:00Z');
  const minutes = (m: number) => new Date(NOW.getTime() + m * 60_000);

  it('takes the past and a few minutes of clock skew', () => {
    expect(() => assertEncounterTime(new Date('1990-01-01T00:00:00Z'), null, NOW)).not.toThrow();
    expect(() => assertEncounterTime(minutes(5), null, NOW)).not.toThrow();
  });

  it('refuses the future unless the encounter is planned, and plans at most two years ahead', () => {
    expect(() => assertEncounterTime(minutes(6), null, NOW)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'encounterAt' } }));
    expect(() => assertEncounterTime(new Date('2099-01-01T00:00:00Z'), null, NOW)).toThrow(/only a planned encounter/);
    expect(() => assertEncounterTime(minutes(60), minutes(60), NOW)).not.toThrow();
    expect(() => assertEncounterTime(minutes(90), minutes(60), NOW)).toThrow(/only a planned encounter/);
    expect(() => assertEncounterTime(new Date('2099-01-01T00:00:00Z'), new Date('2099-01-01T00:00:00Z'), NOW)).toThrow(
      expect.objectContaining({ message: 'An encounter can be planned at most two years ahead', extensions: { code: 'BAD_USER_INPUT', field: 'scheduledAt' } }),
    );
  });
});

describe('closed encounters and unsigned notes', () => {
  it('treats COMPLETED and CANCELLED as closed', () => {
    expect(['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'].filter(isClosedEncounter)).toEqual(['COMPLETED', 'CANCELLED']);
    expect(encounterClosed({ id: 'e', status: 'COMPLETED' }).extensions).toEqual({
      code: 'CONFLICT', field: 'encounterId', reason: 'ENCOUNTER_CLOSED', encounterStatus: 'COMPLETED',
    });
  });

  it('completes with draft notes only with a reason', () => {
    expect(() => assertNotesSigned([], null)).not.toThrow();
    expect(() => assertNotesSigned(['n1', 'n2'], 'Signed after handover')).not.toThrow();
    expect(() => assertNotesSigned(['n1', 'n2'], null)).toThrow(
      expect.objectContaining({ extensions: { code: 'CONFLICT', field: 'id', reason: 'UNSIGNED_NOTES', draftNoteCount: 2 } }),
    );
  });
});
