import { describe, expect, it } from 'vitest';
import { AGE_BANDS, NORMAL_RANGES, ageBandOn, ageInYears } from './vital-sign-reference-ranges.js';

describe('ageBandOn', () => {
  it.each([
    ['2026-12-01', '2026-12-01', 'NEONATE'],
    ['2026-11-24', '2026-12-01', 'NEONATE'], // 7 days old
    ['2026-11-04', '2026-12-01', 'NEONATE'], // 27 days
    ['2026-11-03', '2026-12-01', 'INFANT'], // 28 days
    ['2025-12-02', '2026-12-01', 'INFANT'], // one day short of a year
    ['2025-12-01', '2026-12-01', 'TODDLER'],
    ['2023-12-02', '2026-12-01', 'TODDLER'],
    ['2023-12-01', '2026-12-01', 'CHILD'],
    ['2014-12-01', '2026-12-01', 'ADOLESCENT'],
    ['2008-12-02', '2026-12-01', 'ADOLESCENT'],
    ['2008-12-01', '2026-12-01', 'ADULT'],
    ['1930-01-01', '2026-12-01', 'ADULT'],
  ])('born %s, on %s: %s', (dob, on, band) => {
    expect(ageBandOn(dob, on)).toBe(band);
  });

  it('counts whole years, a 29 February birthday on 1 March', () => {
    expect(ageInYears('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageInYears('2008-02-29', '2026-03-01')).toBe(18);
  });
});

describe('NORMAL_RANGES', () => {
  it('has every measure for every band, each range low below high', () => {
    for (const { band } of AGE_BANDS) {
      const ranges = NORMAL_RANGES[band];
      expect(Object.keys(ranges).sort(), band).toEqual(
        ['diastolicBp', 'heartRate', 'painScore', 'respiratoryRate', 'spo2', 'systolicBp', 'temperatureC'],
      );
      for (const [measure, r] of Object.entries(ranges)) {
        if (r.low !== undefined && r.high !== undefined) expect(r.low, `${band} ${measure}`).toBeLessThan(r.high);
      }
    }
  });

  it('slows heart and breathing with age', () => {
    const bands = AGE_BANDS.map((b) => NORMAL_RANGES[b.band]);
    for (let i = 1; i < bands.length; i++) {
      expect(bands[i]!.heartRate.high!).toBeLessThanOrEqual(bands[i - 1]!.heartRate.high!);
      expect(bands[i]!.respiratoryRate.low!).toBeLessThanOrEqual(bands[i - 1]!.respiratoryRate.low!);
    }
  });
});
