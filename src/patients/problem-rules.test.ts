import { describe, expect, it } from 'vitest';
import { assertProblemTransition, resolutionDate, type ProblemStatus } from './problem-rules.js';
import { refusedOn } from '../../test/helpers/refusals.js';

describe('assertProblemTransition', () => {
  const statuses: ProblemStatus[] = ['ACTIVE', 'RESOLVED', 'INACTIVE'];

  it('resolves an active problem and nothing else', () => {
    for (const from of statuses) {
      for (const to of statuses) {
        const run = () => assertProblemTransition(from, to);
        if (from === 'ACTIVE' && to === 'RESOLVED') expect(run).not.toThrow();
        else expect(run).toThrow(expect.objectContaining({ message: `A problem cannot go from ${from} to ${to}`, extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to } }));
      }
    }
  });
});

describe('resolutionDate', () => {
  // The organization's today, as the service passes it (kernel/organization-time.ts).
  const today = '2025-06-15';

  it("is the organization's today when not given", () => {
    expect(resolutionDate(null, undefined, today)).toBe('2025-06-15');
    expect(resolutionDate('2025-01-01', null, today)).toBe('2025-06-15');
  });

  it('takes a past or present day', () => {
    expect(resolutionDate(null, '2025-06-15', today)).toBe('2025-06-15');
    expect(resolutionDate('2020-02-29', '2021-03-01', today)).toBe('2021-03-01');
    expect(resolutionDate('2021-03-01', '2021-03-01', today)).toBe('2021-03-01');
  });

  it('refuses a day in the future', () => {
    expect(() => resolutionDate(null, '2025-06-16', today)).toThrow(refusedOn('resolvedDate', /cannot be in the future/));
  });

  it('refuses a day before 1880', () => {
    expect(() => resolutionDate(null, '1879-12-31', today)).toThrow(refusedOn('resolvedDate', /cannot be before 1880-01-01/));
  });

  it('refuses a day before the onset, naming the onset', () => {
    expect(() => resolutionDate('2024-05-02', '2024-05-01', today)).toThrow(
      expect.objectContaining({
        message: 'resolvedDate cannot be before the onset date 2024-05-02',
        extensions: { code: 'BAD_USER_INPUT', field: 'resolvedDate', onsetDate: '2024-05-02' },
      }),
    );
    // An onset after today refuses the default (today) resolution too.
    expect(() => resolutionDate('2025-07-01', undefined, today)).toThrow(refusedOn('resolvedDate', /onset date 2025-07-01/));
  });
});
