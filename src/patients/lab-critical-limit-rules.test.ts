import { describe, expect, it } from 'vitest';
import { criticalLimitFor, type EffectiveCriticalLimit } from './lab-critical-limit-rules.js';

const limit = (analyteKey: string, unit: string, extra: Partial<EffectiveCriticalLimit> = {}): EffectiveCriticalLimit => ({
  analyteKey,
  analyteName: analyteKey,
  unit,
  unitAliases: [],
  criticalLow: 1,
  criticalHigh: 2,
  matchedByCode: false,
  ...extra,
});

const refusedOn = (reason: string) =>
  expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'resultUnit', reason }) });

describe('criticalLimitFor', () => {
  const hemoglobin = [limit('HEMOGLOBIN', 'g/dL'), limit('HEMOGLOBIN', 'g/L'), limit('HEMOGLOBIN', 'mmol/L')];

  it('takes the row of the result unit, by any spelling', () => {
    expect(criticalLimitFor(hemoglobin, 'Hb', 'G/DL')?.unit).toBe('g/dL');
    const potassium = [limit('POTASSIUM', 'mmol/L', { unitAliases: ['meq/l'] })];
    expect(criticalLimitFor(potassium, 'K', 'mEq/L')?.analyteKey).toBe('POTASSIUM');
  });

  it('takes the only unit when none is given, and asks for it when there are several', () => {
    expect(criticalLimitFor([limit('POTASSIUM', 'mmol/L')], 'K', null)?.unit).toBe('mmol/L');
    expect(() => criticalLimitFor(hemoglobin, 'Hb', null)).toThrow(refusedOn('UNIT_REQUIRED'));
  });

  it('refuses a unit the table does not know for that analyte', () => {
    expect(() => criticalLimitFor(hemoglobin, 'Hb', 'mg%')).toThrow(refusedOn('UNKNOWN_UNIT'));
  });

  it('prefers rows matched by LOINC code over rows matched by name', () => {
    const rows = [limit('CALCIUM', 'mmol/L'), limit('IONIZED_CALCIUM', 'mmol/L', { matchedByCode: true })];
    expect(criticalLimitFor(rows, 'Ca', 'mmol/L')?.analyteKey).toBe('IONIZED_CALCIUM');
  });

  it('has no limits for an analyte the table does not know', () => {
    expect(criticalLimitFor([], 'TSH', 'mIU/L')).toBeNull();
  });
});
