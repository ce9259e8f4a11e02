/**
 * The allergy check: the one place that decides whether a product (a medication, or the contrast medium of an
 * imaging study) conflicts with a patient's active allergies, and whether the conflict is a hard stop or may be
 * overridden by a prescriber with a reason. Both sides arrive resolved by the drug vocabulary
 * (drug-vocabulary-repository: ingredients and allergy classes); the decision itself is data below.
 */

/** How the vocabulary understood a name (see resolve_drug_term in the migrations). */
export type DrugNameMatch = 'EXACT' | 'CONTAINS' | 'SPELLING' | 'NONE';

export interface DrugResolution {
  /** normalize_drug_name of the name as written. */
  normalized: string;
  matchKind: DrugNameMatch;
  /** Vocabulary names that matched (for SPELLING: the name it was read as). */
  matchedTerms: readonly string[];
  /** Normalized active-ingredient names. */
  ingredients: readonly string[];
  /** Allergy class codes, e.g. PENICILLINS. */
  classCodes: readonly string[];
}

export interface CheckedAllergy {
  id: string;
  allergen: string;
  allergenCode: string | null;
  severity: string | null;
  resolution: DrugResolution;
}

export interface CheckedProduct {
  /** As written by the clinician, for messages. */
  name: string;
  code: string | null;
  resolution: DrugResolution;
}

/** A row of allergy_class_cross_reactions: an allergy to `allergyClass` warns about drugs of `drugClass`. */
export interface CrossReaction {
  allergyClass: string;
  drugClass: string;
  note: string;
}

/**
 * Why an allergy matched: the same ingredient (or allergen code), the same allergy class, a class that
 * cross-reacts, or — when the allergen or the product resolved to nothing — the same normalized text.
 */
export type AllergyMatchBasis = 'INGREDIENT' | 'CLASS' | 'CROSS_REACTIVITY' | 'TEXT';
export type AllergyDecision = 'HARD_STOP' | 'OVERRIDE_WITH_REASON';

export interface AllergyMatch {
  allergyId: string;
  allergen: string;
  severity: string | null;
  basis: AllergyMatchBasis;
  /** The classes or ingredients the match rests on (empty for TEXT). */
  classCodes: string[];
  ingredients: string[];
  /** True for TEXT matches: neither side is in the vocabulary, so this is a guess the prescriber must judge. */
  uncertain: boolean;
  /** Set when the product name was read as a vocabulary name by spelling (e.g. "Penicilin V" → "penicillin v"). */
  productReadAs: string | null;
  decision: AllergyDecision;
}

const SEVERITY_RANK: Record<string, number> = { LIFE_THREATENING: 4, SEVERE: 3, MODERATE: 2, MILD: 1 };

/**
 * Severity decides: a direct match (same ingredient or class) on a life-threatening allergy cannot be
 * overridden. Cross-reactivity is warning-level and text matches are uncertain: both need a prescriber's reason.
 */
const HARD_STOP: Record<AllergyMatchBasis, ReadonlySet<string>> = {
  INGREDIENT: new Set(['LIFE_THREATENING']),
  CLASS: new Set(['LIFE_THREATENING']),
  CROSS_REACTIVITY: new Set(),
  TEXT: new Set(),
};

const MIN_TEXT_MATCH = 3;

/** Whether `needle` occurs in `haystack` as whole words (both normalized). */
function containsWords(haystack: string, needle: string): boolean {
  return needle.length >= MIN_TEXT_MATCH && ` ${haystack} `.includes(` ${needle} `);
}

const intersect = (a: readonly string[], b: readonly string[]) => a.filter((x) => b.includes(x));
const resolved = (r: DrugResolution) => r.ingredients.length > 0 || r.classCodes.length > 0;
const sameCode = (a: string | null, b: string | null) =>
  !!a?.trim() && !!b?.trim() && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Text match when one side resolved to nothing: the normalized names (or the resolved side's ingredients). */
function textMatch(allergy: DrugResolution, product: DrugResolution): boolean {
  const allergyTexts = [allergy.normalized, ...allergy.ingredients];
  const productTexts = [product.normalized, ...product.ingredients];
  return allergyTexts.some((a) => productTexts.some((p) => containsWords(p, a) || containsWords(a, p)));
}

function matchOne(
  allergy: CheckedAllergy,
  product: CheckedProduct,
  crossReactions: readonly CrossReaction[],
): Pick<AllergyMatch, 'basis' | 'classCodes' | 'ingredients' | 'uncertain'> | null {
  const a = allergy.resolution;
  const p = product.resolution;
  const ingredients = intersect(a.ingredients, p.ingredients);
  if (ingredients.length > 0 || sameCode(allergy.allergenCode, product.code)) {
    return { basis: 'INGREDIENT', ingredients, classCodes: intersect(a.classCodes, p.classCodes), uncertain: false };
  }
  const classes = intersect(a.classCodes, p.classCodes);
  if (classes.length > 0) return { basis: 'CLASS', ingredients: [], classCodes: classes, uncertain: false };
  const crossing = crossReactions.filter((c) => a.classCodes.includes(c.allergyClass) && p.classCodes.includes(c.drugClass));
  if (crossing.length > 0) {
    const codes = [...new Set(crossing.flatMap((c) => [c.allergyClass, c.drugClass]))];
    return { basis: 'CROSS_REACTIVITY', ingredients: [], classCodes: codes, uncertain: false };
  }
  if ((!resolved(a) || !resolved(p)) && textMatch(a, p)) {
    return { basis: 'TEXT', ingredients: [], classCodes: [], uncertain: true };
  }
  return null;
}

/** The allergies that apply to a product, hard stops first, then the most severe. */
export function matchAllergies(
  allergies: readonly CheckedAllergy[],
  product: CheckedProduct,
  crossReactions: readonly CrossReaction[],
): AllergyMatch[] {
  const readAs = product.resolution.matchKind === 'SPELLING' ? (product.resolution.matchedTerms[0] ?? null) : null;
  return allergies
    .flatMap((allergy) => {
      const match = matchOne(allergy, product, crossReactions);
      if (!match) return [];
      const decision: AllergyDecision = HARD_STOP[match.basis].has(allergy.severity ?? '') ? 'HARD_STOP' : 'OVERRIDE_WITH_REASON';
      return [{ allergyId: allergy.id, allergen: allergy.allergen, severity: allergy.severity, ...match, productReadAs: readAs, decision }];
    })
    .sort(
      (x, y) =>
        Number(y.decision === 'HARD_STOP') - Number(x.decision === 'HARD_STOP') ||
        (SEVERITY_RANK[y.severity ?? ''] ?? 0) - (SEVERITY_RANK[x.severity ?? ''] ?? 0),
    );
}

const BASIS_TEXT: Record<AllergyMatchBasis, string> = {
  INGREDIENT: 'same ingredient',
  CLASS: 'same allergy class',
  CROSS_REACTIVITY: 'warning: cross-reactive class',
  TEXT: 'uncertain match: the name is not in the drug vocabulary, matched by its text only',
};

/** One line per match for the prescriber, e.g. "PENICILLIN (LIFE_THREATENING; same allergy class PENICILLINS)". */
export function describeMatch(m: AllergyMatch): string {
  const severity = m.severity ?? 'severity not recorded';
  const what = [...m.ingredients, ...m.classCodes].join(', ');
  return `${m.allergen.trim()} (${severity}; ${BASIS_TEXT[m.basis]}${what ? ` ${what}` : ''})`;
}
