import { describe, expect, it } from 'vitest';
import { describeMatch, matchAllergies, type CheckedAllergy, type CheckedProduct, type DrugResolution } from './allergy-check-rules.js';

const resolution = (normalized: string, ingredients: string[] = [], classCodes: string[] = [], matchKind: DrugResolution['matchKind'] = 'EXACT'): DrugResolution => ({
  normalized,
  matchKind: ingredients.length || classCodes.length ? matchKind : 'NONE',
  matchedTerms: ingredients.length || classCodes.length ? [normalized] : [],
  ingredients,
  classCodes,
});
const allergy = (id: string, r: DrugResolution, severity: string | null = 'SEVERE', allergenCode: string | null = null): CheckedAllergy => ({
  id,
  allergen: r.normalized,
  allergenCode,
  severity,
  resolution: r,
});
const product = (r: DrugResolution, code: string | null = null): CheckedProduct => ({ name: r.normalized, code, resolution: r });

const penicillinClass = resolution('penicillin', [], ['PENICILLINS']);
const amoxicillin = resolution('amoxicillin', ['amoxicillin'], ['PENICILLINS']);
const cefalexin = resolution('cefalexin', ['cephalexin'], ['CEPHALOSPORINS']);
const crossReactions = [{ allergyClass: 'PENICILLINS', drugClass: 'CEPHALOSPORINS', note: 'about 1–2%' }];

describe('matchAllergies', () => {
  it('a direct class match on a life-threatening allergy is a hard stop; on a severe one an override', () => {
    expect(matchAllergies([allergy('a', penicillinClass, 'LIFE_THREATENING')], product(amoxicillin), [])).toEqual([
      expect.objectContaining({ allergyId: 'a', basis: 'CLASS', classCodes: ['PENICILLINS'], decision: 'HARD_STOP', uncertain: false }),
    ]);
    expect(matchAllergies([allergy('a', penicillinClass, 'SEVERE')], product(amoxicillin), [])[0]!.decision).toBe('OVERRIDE_WITH_REASON');
  });

  it('the same ingredient or the same allergen code matches by ingredient', () => {
    const [byIngredient] = matchAllergies([allergy('a', amoxicillin, 'LIFE_THREATENING')], product(amoxicillin), []);
    expect(byIngredient).toMatchObject({ basis: 'INGREDIENT', ingredients: ['amoxicillin'], decision: 'HARD_STOP' });
    const unknown = resolution('zorbaxil');
    const [byCode] = matchAllergies([allergy('a', unknown, 'MILD', 'RX-1')], product(resolution('other brand'), ' rx-1 '), []);
    expect(byCode).toMatchObject({ basis: 'INGREDIENT', uncertain: false });
  });

  it('cross-reactivity is a warning whatever the severity', () => {
    const [m] = matchAllergies([allergy('a', penicillinClass, 'LIFE_THREATENING')], product(cefalexin), crossReactions);
    expect(m).toMatchObject({ basis: 'CROSS_REACTIVITY', classCodes: ['PENICILLINS', 'CEPHALOSPORINS'], decision: 'OVERRIDE_WITH_REASON' });
    expect(matchAllergies([allergy('a', penicillinClass)], product(cefalexin), [])).toEqual([]);
  });

  it('an unresolved allergen matches by whole words of normalized text, flagged uncertain, never a hard stop', () => {
    const zorbaxil = resolution('zorbaxil');
    const [m] = matchAllergies([allergy('a', zorbaxil, 'LIFE_THREATENING')], product(resolution('zorbaxil forte')), []);
    expect(m).toMatchObject({ basis: 'TEXT', uncertain: true, decision: 'OVERRIDE_WITH_REASON' });
    expect(matchAllergies([allergy('a', zorbaxil)], product(resolution('zorbaxilin')), [])).toEqual([]);
    // An unresolved medication is compared with the allergy's ingredients too.
    expect(matchAllergies([allergy('a', amoxicillin)], product(resolution('amoxicillin local compound')), [])[0]).toMatchObject({ basis: 'TEXT' });
    // Two resolved, unrelated names never match by text.
    expect(matchAllergies([allergy('a', resolution('aspirin', ['aspirin'], ['NSAIDS']))], product(amoxicillin), [])).toEqual([]);
  });

  it('orders hard stops first, then by severity, and names a spelling reading', () => {
    const misspelt = { ...amoxicillin, normalized: 'amoxicilin', matchKind: 'SPELLING' as const, matchedTerms: ['amoxicillin'] };
    const found = matchAllergies(
      [allergy('mild', penicillinClass, 'MILD'), allergy('stop', amoxicillin, 'LIFE_THREATENING'), allergy('severe', penicillinClass, 'SEVERE')],
      product(misspelt),
      [],
    );
    expect(found.map((m) => m.allergyId)).toEqual(['stop', 'severe', 'mild']);
    expect(found[0]!.productReadAs).toBe('amoxicillin');
  });
});

describe('describeMatch', () => {
  it('says the severity and why', () => {
    const [m] = matchAllergies([allergy('a', penicillinClass, 'LIFE_THREATENING')], product(cefalexin), crossReactions);
    expect(describeMatch(m!)).toBe('penicillin (LIFE_THREATENING; warning: cross-reactive class PENICILLINS, CEPHALOSPORINS)');
  });
});
