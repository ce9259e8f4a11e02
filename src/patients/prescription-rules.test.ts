import { describe, expect, it } from 'vitest';
import { assertPrescriptionTransition, positiveDecimal, type PrescriptionStatus } from './prescription-rules.js';
import { refusedOn } from '../../test/helpers/refusals.js';

describe('assertPrescriptionTransition', () => {
  const statuses: PrescriptionStatus[] = ['ACTIVE', 'COMPLETED', 'DISCONTINUED', 'CANCELLED', 'ON_HOLD'];

  it('discontinues an active or held prescription, and allows nothing else', () => {
    for (const from of statuses) {
      for (const to of statuses) {
        const run = () => assertPrescriptionTransition(from, to);
        if ((from === 'ACTIVE' || from === 'ON_HOLD') && to === 'DISCONTINUED') expect(run).not.toThrow();
        else {
          expect(run).toThrow(
            expect.objectContaining({
              message: `A prescription cannot go from ${from} to ${to}`,
              extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to },
            }),
          );
        }
      }
    }
  });
});

describe('positiveDecimal', () => {
  it('passes absence through as null', () => {
    expect(positiveDecimal(null, 'dose', 100)).toBeNull();
    expect(positiveDecimal(undefined, 'dose', 100)).toBeNull();
  });

  it('accepts values in (0, max], written exactly', () => {
    expect(positiveDecimal(0.5, 'dose', 100)).toBe('0.5');
    expect(positiveDecimal(100, 'dose', 100)).toBe('100');
    expect(positiveDecimal(2.5, 'quantity', 1000, 2)).toBe('2.50');
    // Binary float noise within the allowed decimals is not a third decimal.
    expect(positiveDecimal(0.1 + 0.2, 'dose', 10, 1)).toBe('0.3');
  });

  it.each([0, -1, 100.01, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s, naming the maximum', (value) => {
    expect(() => positiveDecimal(value, 'dose', 100)).toThrow(
      expect.objectContaining({ message: 'dose must be greater than 0 and at most 100', extensions: { code: 'BAD_USER_INPUT', field: 'dose', max: 100 } }),
    );
  });

  it('refuses more decimals than the column holds', () => {
    expect(() => positiveDecimal(1.25, 'dose', 100, 1)).toThrow(refusedOn('dose', /at most 1 decimal places/));
    expect(() => positiveDecimal(2.5, 'days', 365, 0)).toThrow(refusedOn('days', /at most 0 decimal places/));
    expect(() => positiveDecimal(1.005, 'dose', 100, 2)).toThrow(refusedOn('dose'));
  });
});
