import { describe, expect, it } from 'vitest';
import {
  abnormalFlag,
  assertLabTestTransition,
  assertRecordableResultStatus,
  numericString,
  type LabTestStatus,
} from './lab-test-rules.js';

const refusedOn = (field: string, message?: RegExp) =>
  expect.objectContaining({
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });

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
  // Potassium, mmol/L: reference 3.5–5.1; critical below 1.75 or above 10.2.
  const potassium = (resultNumeric: number) => abnormalFlag({ resultNumeric, referenceLow: 3.5, referenceHigh: 5.1 });

  it.each([
    [4.2, 'NORMAL'],
    [3.5, 'NORMAL'],
    [5.1, 'NORMAL'],
    [3.49, 'LOW'],
    [1.75, 'LOW'],
    [1.74, 'CRITICAL_LOW'],
    [0, 'CRITICAL_LOW'],
    [5.11, 'HIGH'],
    [10.2, 'HIGH'],
    [10.21, 'CRITICAL_HIGH'],
  ])('flags %s as %s (bounds inclusive, critical strictly beyond)', (value, flag) => {
    expect(potassium(value)).toBe(flag);
  });

  it('computes from a single bound', () => {
    expect(abnormalFlag({ resultNumeric: 4, referenceLow: 5 })).toBe('LOW');
    expect(abnormalFlag({ resultNumeric: 2, referenceLow: 5 })).toBe('CRITICAL_LOW');
    expect(abnormalFlag({ resultNumeric: 100, referenceLow: 5 })).toBe('NORMAL');
    expect(abnormalFlag({ resultNumeric: 201, referenceHigh: 100 })).toBe('CRITICAL_HIGH');
    expect(abnormalFlag({ resultNumeric: -50, referenceHigh: 100 })).toBe('NORMAL');
  });

  it('never says critical for a bound at or below zero', () => {
    expect(abnormalFlag({ resultNumeric: -100, referenceLow: -2, referenceHigh: 2 })).toBe('LOW');
    expect(abnormalFlag({ resultNumeric: -100, referenceLow: 0 })).toBe('LOW');
    expect(abnormalFlag({ resultNumeric: 1000, referenceHigh: 0 })).toBe('HIGH');
    expect(abnormalFlag({ resultNumeric: 1000, referenceHigh: -1 })).toBe('HIGH');
  });

  it("uses the caller's abnormal when there is nothing to compute from", () => {
    expect(abnormalFlag({ abnormal: true })).toBe('ABNORMAL');
    expect(abnormalFlag({ abnormal: false })).toBe('NORMAL');
    expect(abnormalFlag({})).toBeNull();
    expect(abnormalFlag({ resultNumeric: 7, abnormal: true })).toBe('ABNORMAL');
    expect(abnormalFlag({ resultNumeric: null, referenceLow: 1, referenceHigh: 2, abnormal: null })).toBeNull();
    expect(abnormalFlag({ referenceLow: 1, referenceHigh: 2, abnormal: true })).toBe('ABNORMAL');
  });

  it('refuses an explicit abnormal (even false) when the flag is computed', () => {
    expect(() => abnormalFlag({ resultNumeric: 4, referenceLow: 3.5, abnormal: false })).toThrow(refusedOn('abnormal', /omit abnormal/));
    expect(() => abnormalFlag({ resultNumeric: 4, referenceHigh: 5, abnormal: true })).toThrow(refusedOn('abnormal'));
  });

  it('refuses inverted bounds, with or without a value', () => {
    const inverted = expect.objectContaining({
      extensions: { code: 'BAD_USER_INPUT', field: 'referenceHigh', referenceLow: 5, referenceHigh: 3 },
    });
    expect(() => abnormalFlag({ resultNumeric: 4, referenceLow: 5, referenceHigh: 3 })).toThrow(inverted);
    expect(() => abnormalFlag({ referenceLow: 5, referenceHigh: 3 })).toThrow(inverted);
    expect(abnormalFlag({ resultNumeric: 4, referenceLow: 4, referenceHigh: 4 })).toBe('NORMAL');
  });

  it.each([
    ['resultNumeric', { resultNumeric: Number.NaN, referenceLow: 1 }],
    ['resultNumeric', { resultNumeric: Number.POSITIVE_INFINITY }],
    ['referenceLow', { resultNumeric: 1, referenceLow: Number.NEGATIVE_INFINITY }],
    ['referenceHigh', { referenceHigh: Number.NaN }],
  ] as const)('refuses a non-finite %s', (field, measurement) => {
    expect(() => abnormalFlag(measurement)).toThrow(refusedOn(field, /must be a finite number/));
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
