import { describe, expect, it } from 'vitest';
import {
  allergyMatches,
  assertPrescriptionTransition,
  matchingAllergies,
  positiveDecimal,
  type AllergyLike,
  type PrescriptionStatus,
} from './prescription-rules.js';

const refusedOn = (field: string, message?: RegExp) =>
  expect.objectContaining({
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });

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

const allergy = (allergen: string, allergenCode: string | null = null, severity: string | null = null, id = allergen): AllergyLike => ({
  id,
  allergen,
  allergenCode,
  severity,
});

describe('allergyMatches', () => {
  it('matches an allergen contained in the medication name, ignoring case and spaces around it', () => {
    expect(allergyMatches(allergy('Penicillin'), { name: 'Penicillin V potassium 500 mg', code: null })).toBe(true);
    expect(allergyMatches(allergy('  PENICILLIN '), { name: 'benzathine penicillin', code: null })).toBe(true);
    expect(allergyMatches(allergy('Sulfa'), { name: 'Sulfamethoxazole', code: null })).toBe(true);
  });

  it('does not match a medication name contained in the allergen', () => {
    expect(allergyMatches(allergy('Amoxicillin-clavulanate'), { name: 'Amoxicillin', code: null })).toBe(false);
  });

  it('matches on equal codes, case-insensitively', () => {
    expect(allergyMatches(allergy('Aspirin', 'N02BA01'), { name: 'Ecotrin', code: ' n02ba01' })).toBe(true);
    expect(allergyMatches(allergy('Aspirin', 'N02BA01'), { name: 'Ecotrin', code: 'N02BA11' })).toBe(false);
  });

  it('never matches on blanks: a blank allergen or two missing codes match nothing', () => {
    expect(allergyMatches(allergy('   '), { name: 'Ibuprofen', code: null })).toBe(false);
    expect(allergyMatches(allergy('', null), { name: 'Ibuprofen', code: null })).toBe(false);
    expect(allergyMatches(allergy('Latex', ''), { name: 'Ibuprofen', code: '' })).toBe(false);
  });
});

describe('matchingAllergies', () => {
  it('returns the matching allergies, most severe first, unknown severity last', () => {
    const allergies = [
      allergy('penicillin', null, 'MILD', 'mild'),
      allergy('latex', null, 'LIFE_THREATENING', 'unrelated'),
      allergy('amoxicillin', null, null, 'unknown'),
      allergy('Amoxi', null, 'LIFE_THREATENING', 'life'),
      allergy('x', 'J01CA04', 'SEVERE', 'by-code'),
      allergy('cillin', null, 'MODERATE', 'moderate'),
    ];
    const found = matchingAllergies(allergies, { name: 'Amoxicillin (penicillin class)', code: 'J01CA04' });
    expect(found.map((a) => a.id)).toEqual(['life', 'by-code', 'moderate', 'mild', 'unknown']);
  });

  it('keeps the given order between equally severe allergies and returns a new list', () => {
    const allergies = [allergy('a', null, 'SEVERE', 'first'), allergy('ab', null, 'SEVERE', 'second')];
    const found = matchingAllergies(allergies, { name: 'abc', code: null });
    expect(found.map((a) => a.id)).toEqual(['first', 'second']);
    expect(found).not.toBe(allergies);
    expect(matchingAllergies(allergies, { name: 'zzz', code: null })).toEqual([]);
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
