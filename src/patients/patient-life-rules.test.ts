import { describe, expect, it } from 'vitest';
import { assertBirthBeforeDeath, assertNotBeforeBirth, patientDeceased } from './patient-life-rules.js';

describe('assertNotBeforeBirth', () => {
  it('compares on the organization calendar: late evening in New York is still the birth date there', () => {
    // 2026-03-02 02:00 UTC is 2026-03-01 21:00 in New York.
    const at = new Date('2026-03-02T02:00:00Z');
    expect(() => assertNotBeforeBirth(at, '2026-03-02', 'UTC', 'encounterAt')).not.toThrow();
    expect(() => assertNotBeforeBirth(at, '2026-03-02', 'America/New_York', 'encounterAt')).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'encounterAt', dateOfBirth: '2026-03-02' } }),
    );
    expect(() => assertNotBeforeBirth(new Date('1900-01-01T00:00:00Z'), '1962-09-30', 'UTC', 'deceasedAt')).toThrow(
      /deceasedAt 1900-01-01T00:00:00.000Z is before the patient's date of birth \(1962-09-30\)/,
    );
  });
});

describe('assertBirthBeforeDeath', () => {
  it('keeps a corrected date of birth on or before the recorded death', () => {
    const death = new Date('2020-03-01T10:00:00Z');
    expect(() => assertBirthBeforeDeath('2020-03-01', death, 'UTC')).not.toThrow();
    expect(() => assertBirthBeforeDeath('2021-01-01', null, 'UTC')).not.toThrow();
    expect(() => assertBirthBeforeDeath('2020-03-02', death, 'UTC')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'dateOfBirth' } }));
  });
});

describe('patientDeceased', () => {
  it('is CONFLICT with reason PATIENT_DECEASED and says how to document or undo the death', () => {
    const error = patientDeceased({ deceasedAt: new Date('2026-01-02T03:04:05Z') });
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'patientId', reason: 'PATIENT_DECEASED', deceasedAt: '2026-01-02T03:04:05.000Z' });
    expect(error.message).toMatch(/documentsDeath: true/);
    expect(error.message).toMatch(/undoPatientDeath/);
  });
});
