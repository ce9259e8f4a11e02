import { describe, expect, it } from 'vitest';
import {
  abnormalFlag,
  assertLabTestTransition,
  assertRecordableResultStatus,
  assertVerifiable,
  numericString,
  type LabTestStatus,
} from './lab-test-rules.js';
import { refusedOn } from '../../test/helpers/refusals.js';

const STATUSES: LabTestStatus[] = ['ORDERED', 'COLLECTED', 'IN_PROGRESS', 'RESULTED', 'VERIFIED', 'CANCELLED'];
const ALLOWED = new Set([
  'ORDERED→COLLECTED',
  'ORDERED→CANCELLED',
  'COLLECTED→IN_PROGRESS',
  'COLLECTED→RESULTED',
  'COLLECTED→CANCELLED',
  'IN_PROGRESS→RESULTED',
  'IN_PROGRESS→CANCELLED',
  'RESULTED→RESULTED',
  'RESULTED→VERIFIED',
]);
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('assertLabTestTransition', () => {
  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}→${to}`)))('allows %s → %s', (from, to) => {
    expect(() => assertLabTestTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}→${to}`) && to !== 'RESULTED'))('refuses %s → %s', (from, to) => {
    expect(() => assertLabTestTransition(from, to)).toThrow(
      expect.objectContaining({
        message: `A lab test cannot go from ${from} to ${to}`,
        extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to },
      }),
    );
  });

  it.each(['ORDERED', 'VERIFIED', 'CANCELLED'])('refuses a result on a %s test, saying when results are accepted', (from) => {
    expect(() => assertLabTestTransition(from, 'RESULTED', 'labTestId')).toThrow(
      expect.objectContaining({
        message: `Cannot record a result for a lab test that is ${from}; results are accepted when COLLECTED, IN_PROGRESS or RESULTED`,
        extensions: { code: 'BAD_USER_INPUT', field: 'labTestId', from, to: 'RESULTED' },
      }),
    );
  });
});

describe('assertRecordableResultStatus', () => {
  it('accepts PRELIMINARY and FINAL only', () => {
    expect(() => assertRecordableResultStatus('PRELIMINARY')).not.toThrow();
    expect(() => assertRecordableResultStatus('FINAL')).not.toThrow();
    for (const status of ['CORRECTED', 'CANCELLED', 'final', '']) {
      expect(() => assertRecordableResultStatus(status)).toThrow(refusedOn('status', /must be PRELIMINARY or FINAL/));
    }
  });
});

describe('abnormalFlag', () => {
  // Potassium, mmol/L: reference 3.5–5.1; critical limits (table lab_critical_limits) below 2.5 or above 6.5.
  const potassium = (value: number) =>
    abnormalFlag({ value, referenceLow: 3.5, referenceHigh: 5.1, criticalLow: 2.5, criticalHigh: 6.5 });

  it.each([
    [4.2, 'NORMAL'],
    [3.5, 'NORMAL'],
    [5.1, 'NORMAL'],
    [3.49, 'LOW'],
    [2.5, 'LOW'],
    [2.49, 'CRITICAL_LOW'],
    [2.2, 'CRITICAL_LOW'],
    [5.11, 'HIGH'],
    [6.5, 'HIGH'],
    [6.51, 'CRITICAL_HIGH'],
    [6.9, 'CRITICAL_HIGH'],
  ])('flags potassium %s as %s (bounds inclusive, critical strictly beyond)', (value, flag) => {
    expect(potassium(value)).toBe(flag);
  });

  it('is critical from the critical limits alone, without any reference range', () => {
    expect(abnormalFlag({ value: 5.0, referenceLow: null, referenceHigh: null, criticalLow: 7, criticalHigh: 20 })).toBe('CRITICAL_LOW');
    expect(abnormalFlag({ value: 12, referenceLow: null, referenceHigh: null, criticalLow: 7, criticalHigh: 20 })).toBeNull();
  });

  it('no longer derives critical from the reference bounds (half the low, twice the high)', () => {
    expect(abnormalFlag({ value: 30, referenceLow: 70, referenceHigh: 100 })).toBe('LOW');
    expect(abnormalFlag({ value: 450, referenceLow: 70, referenceHigh: 100 })).toBe('HIGH');
  });

  it('computes from a single bound', () => {
    expect(abnormalFlag({ value: 4, referenceLow: 5, referenceHigh: null })).toBe('LOW');
    expect(abnormalFlag({ value: 100, referenceLow: 5, referenceHigh: null })).toBe('NORMAL');
    expect(abnormalFlag({ value: 0.05, referenceLow: null, referenceHigh: 0.04, criticalHigh: 0.04 })).toBe('CRITICAL_HIGH');
  });

  it("uses the caller's abnormal when there is nothing to compute from", () => {
    const none = { referenceLow: null, referenceHigh: null };
    expect(abnormalFlag({ value: null, ...none, abnormal: true })).toBe('ABNORMAL');
    expect(abnormalFlag({ value: null, ...none, abnormal: false })).toBe('NORMAL');
    expect(abnormalFlag({ value: null, ...none })).toBeNull();
    expect(abnormalFlag({ value: 7, ...none, abnormal: true })).toBe('ABNORMAL');
    expect(abnormalFlag({ value: null, referenceLow: 1, referenceHigh: 2, abnormal: true })).toBe('ABNORMAL');
  });

  it('accepts an abnormal that agrees with the computed flag and refuses one that contradicts it', () => {
    expect(abnormalFlag({ value: 4, referenceLow: 3.5, referenceHigh: null, abnormal: false })).toBe('NORMAL');
    expect(abnormalFlag({ value: 3, referenceLow: 3.5, referenceHigh: null, abnormal: true })).toBe('LOW');
    expect(() => abnormalFlag({ value: 4, referenceLow: null, referenceHigh: 3, abnormal: false })).toThrow(refusedOn('abnormal', /omit abnormal/));
    // Hemoglobin 5.0 g/dL declared normal: critical, refused.
    expect(() =>
      abnormalFlag({ value: 5, referenceLow: null, referenceHigh: null, criticalLow: 7, criticalHigh: 20, abnormal: false }),
    ).toThrow(refusedOn('abnormal', /CRITICAL_LOW/));
  });
});

describe('assertVerifiable', () => {
  it('refuses preliminary results and tests without a final result', () => {
    expect(() => assertVerifiable([{ analyte: 'K', status: 'FINAL' }, { analyte: 'Na', status: 'PRELIMINARY' }])).toThrow(
      refusedOn('id', /preliminary \(Na\)/),
    );
    expect(() => assertVerifiable([])).toThrow(refusedOn('id', /without a FINAL result/));
    expect(() => assertVerifiable([{ analyte: 'K', status: 'CANCELLED' }])).toThrow(refusedOn('id'));
    expect(() => assertVerifiable([{ analyte: 'K', status: 'FINAL' }, { analyte: 'Na', status: 'CORRECTED' }])).not.toThrow();
  });
});

describe('numericString', () => {
  it('passes numbers as their shortest exact text, absence as null', () => {
    expect(numericString(0)).toBe('0');
    expect(numericString(-1.5)).toBe('-1.5');
    expect(numericString(0.1)).toBe('0.1');
    expect(numericString(null)).toBeNull();
    expect(numericString(undefined)).toBeNull();
  });
});
