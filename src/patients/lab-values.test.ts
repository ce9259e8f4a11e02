import { describe, expect, it } from 'vitest';
import { normalizeAnalyte, normalizeUnit, numericResult, parseReferenceRange, referenceBounds } from './lab-values.js';

const refusedOn = (field: string, reason?: string) =>
  expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field, ...(reason ? { reason } : {}) }) });

describe('numericResult', () => {
  it('refuses a displayed value that disagrees with resultNumeric ("2.0" shown, 5 stored)', () => {
    expect(() => numericResult('2.0', 5)).toThrow(refusedOn('resultNumeric', 'RESULT_VALUE_MISMATCH'));
    expect(() => numericResult('positive', 5)).toThrow(refusedOn('resultNumeric', 'RESULT_VALUE_MISMATCH'));
  });

  it('accepts the same number written differently, with a unit or a comparator', () => {
    expect(numericResult('2.0', 2)).toBe(2);
    expect(numericResult('6.9 mmol/L', 6.9)).toBe(6.9);
    expect(numericResult('<0.04', 0.04)).toBe(0.04);
    expect(numericResult('-3', -3)).toBe(-3);
  });

  it('reads a plain number as the numeric value and nothing else', () => {
    expect(numericResult(' 5.0 ', null)).toBe(5);
    expect(numericResult('.5', undefined)).toBe(0.5);
    expect(numericResult('<0.04', null)).toBeNull();
    expect(numericResult('positive', null)).toBeNull();
    expect(numericResult('1:40', null)).toBeNull();
  });

  it('refuses a non-finite resultNumeric', () => {
    expect(() => numericResult('1', Number.NaN)).toThrow(refusedOn('resultNumeric'));
  });
});

describe('parseReferenceRange', () => {
  it.each([
    ['3.5-5.1', { low: 3.5, high: 5.1 }],
    ['3.5 - 5.1 mmol/L', { low: 3.5, high: 5.1 }],
    ['12.0–16.0', { low: 12, high: 16 }],
    ['12 to 16', { low: 12, high: 16 }],
    ['<0.04', { low: null, high: 0.04 }],
    ['< 0.04 ng/mL', { low: null, high: 0.04 }],
    ['> 60', { low: 60, high: null }],
    ['>=60', { low: 60, high: null }],
    ['≤ 5', { low: null, high: 5 }],
  ])('reads %s', (text, bounds) => {
    expect(parseReferenceRange(text)).toEqual(bounds);
  });

  it.each(['negative', 'see report', '', '5.1-3.5', '1:40'])('states no bounds in %j', (text) => {
    expect(parseReferenceRange(text)).toBeNull();
  });
});

describe('referenceBounds', () => {
  it('prefers explicit bounds, else those of the text range', () => {
    expect(referenceBounds({ referenceLow: 1, referenceHigh: 2 })).toEqual({ low: 1, high: 2 });
    expect(referenceBounds({ referenceRange: '12.0-16.0' })).toEqual({ low: 12, high: 16 });
    expect(referenceBounds({ referenceRange: 'negative' })).toEqual({ low: null, high: null });
    expect(referenceBounds({ referenceLow: 3.5, referenceHigh: 5.1, referenceRange: '3.5-5.1' })).toEqual({ low: 3.5, high: 5.1 });
  });

  it('refuses explicit bounds that disagree with the text range, inverted and non-finite bounds', () => {
    expect(() => referenceBounds({ referenceLow: 3, referenceHigh: 5, referenceRange: '3.5-5.1' })).toThrow(
      refusedOn('referenceRange', 'REFERENCE_RANGE_MISMATCH'),
    );
    expect(() => referenceBounds({ referenceLow: 5, referenceHigh: 3 })).toThrow(refusedOn('referenceHigh'));
    expect(() => referenceBounds({ referenceLow: Number.NEGATIVE_INFINITY })).toThrow(refusedOn('referenceLow'));
  });
});

describe('normal forms', () => {
  it('normalizes analyte names and units as the critical-limit table stores them', () => {
    expect(normalizeAnalyte('  Potassium, Serum ')).toBe('potassium serum');
    expect(normalizeAnalyte('K+')).toBe('k+');
    expect(normalizeUnit('mEq/L')).toBe('meq/l');
    expect(normalizeUnit('10^3 /µL')).toBe('10^3/ul');
  });
});
