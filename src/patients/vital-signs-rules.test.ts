import { describe, expect, it } from 'vitest';
import { decimalString, evaluateVitals } from './vital-signs-rules.js';
import { refusedOn } from '../../test/helpers/refusals.js';

describe('evaluateVitals', () => {
  it('needs at least one measurement', () => {
    expect(() => evaluateVitals({})).toThrow(refusedOn('systolicBp', /at least one measurement/));
    expect(() => evaluateVitals({ heartRate: null, spo2: undefined })).toThrow(refusedOn('systolicBp'));
  });

  it('counts a pain score of 0 as a measurement', () => {
    expect(evaluateVitals({ painScore: 0 })).toEqual([]);
  });

  it('returns no flags for adult normal values, bounds included', () => {
    expect(
      evaluateVitals({ systolicBp: 139, diastolicBp: 60, heartRate: 100, respiratoryRate: 12, temperatureC: 37.9, spo2: 95, painScore: 6 }),
    ).toEqual([]);
    expect(evaluateVitals({ systolicBp: 90, diastolicBp: 89, heartRate: 60, respiratoryRate: 20, temperatureC: 36.1, spo2: 100 })).toEqual([]);
  });

  it('flags values outside the reference ranges, in measurement order', () => {
    expect(evaluateVitals({ spo2: 88, heartRate: 130, systolicBp: 150, diastolicBp: 95 })).toEqual([
      'SYSTOLIC_BP_HIGH',
      'DIASTOLIC_BP_HIGH',
      'HEART_RATE_HIGH',
      'SPO2_LOW',
    ]);
    expect(evaluateVitals({ systolicBp: 85, diastolicBp: 55, respiratoryRate: 8, temperatureC: 35.9 })).toEqual([
      'SYSTOLIC_BP_LOW',
      'DIASTOLIC_BP_LOW',
      'RESPIRATORY_RATE_LOW',
      'TEMPERATURE_LOW',
    ]);
    expect(evaluateVitals({ temperatureC: 38, respiratoryRate: 21, painScore: 7 })).toEqual([
      'RESPIRATORY_RATE_HIGH',
      'TEMPERATURE_HIGH',
      'PAIN_HIGH',
    ]);
  });

  it('never flags weight or height', () => {
    expect(evaluateVitals({ weightKg: 0.2, heightCm: 280 })).toEqual([]);
  });

  it.each([
    ['systolicBp', 301, /systolicBp must be a whole number between 40 and 300/],
    ['systolicBp', 39, /between 40 and 300/],
    ['heartRate', 72.5, /heartRate must be a whole number between 20 and 300/],
    ['spo2', 101, /between 10 and 100/],
    ['spo2', 9, /between 10 and 100/],
    ['painScore', -1, /between 0 and 10/],
    ['temperatureC', 46.1, /^temperatureC must be between 10 and 46$/],
    ['temperatureC', 98.6, /between 10 and 46/],
    ['temperatureC', 9.9, /between 10 and 46/],
    ['weightKg', 0.19, /between 0.2 and 500/],
    ['heightCm', Number.NaN, /between 20 and 280/],
    ['respiratoryRate', Number.POSITIVE_INFINITY, /between 4 and 80/],
  ] as const)('refuses %s = %s, naming the range', (key, value, message) => {
    expect(() => evaluateVitals({ [key]: value })).toThrow(refusedOn(key, message));
  });

  it('refuses an impossible value even when another is fine', () => {
    expect(() => evaluateVitals({ heartRate: 80, spo2: 9 })).toThrow(refusedOn('spo2'));
  });

  it('refuses a diastolic pressure at or above the systolic', () => {
    expect(() => evaluateVitals({ systolicBp: 120, diastolicBp: 120 })).toThrow(refusedOn('diastolicBp', /below systolicBp/));
    expect(() => evaluateVitals({ systolicBp: 100, diastolicBp: 110 })).toThrow(refusedOn('diastolicBp'));
    expect(evaluateVitals({ systolicBp: 120, diastolicBp: 119 })).toEqual(['DIASTOLIC_BP_HIGH']);
  });
});

describe('evaluateVitals by age band', () => {
  it('neonatal HR 65 / RR 14 is abnormal; newborn HR 140 / RR 45 is normal', () => {
    expect(evaluateVitals({ heartRate: 65, respiratoryRate: 14 }, 'NEONATE')).toEqual(['HEART_RATE_LOW', 'RESPIRATORY_RATE_LOW']);
    expect(evaluateVitals({ heartRate: 140, respiratoryRate: 45 }, 'NEONATE')).toEqual([]);
    // The same newborn values against the adult ranges were the bug.
    expect(evaluateVitals({ heartRate: 140, respiratoryRate: 45 }, 'ADULT')).toEqual(['HEART_RATE_HIGH', 'RESPIRATORY_RATE_HIGH']);
  });

  it('flags the stored (rounded) value: 37.94 °C is stored and judged as 37.9', () => {
    expect(evaluateVitals({ temperatureC: 37.94 })).toEqual([]);
    expect(evaluateVitals({ temperatureC: 37.96 })).toEqual(['TEMPERATURE_HIGH']);
    expect(decimalString(37.94, 'temperatureC')).toBe('37.9');
  });

  it('accepts readings at physiological extremes and flags them', () => {
    expect(evaluateVitals({ spo2: 45 })).toEqual(['SPO2_LOW']);
    expect(evaluateVitals({ temperatureC: 24 })).toEqual(['TEMPERATURE_LOW']);
  });
});

describe('decimalString', () => {
  it("writes a measurement with its column's decimals", () => {
    expect(decimalString(72, 'heartRate')).toBe('72');
    expect(decimalString(36.6, 'temperatureC')).toBe('36.6');
    expect(decimalString(70.5, 'weightKg')).toBe('70.50');
    expect(decimalString(175, 'heightCm')).toBe('175.0');
    expect(decimalString(null, 'weightKg')).toBeNull();
    expect(decimalString(undefined, 'heightCm')).toBeNull();
  });
});
