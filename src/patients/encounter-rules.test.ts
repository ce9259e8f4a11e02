import { describe, expect, it } from 'vitest';
import { assertEncounterTransition, type EncounterStatus } from './encounter-rules.js';

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
