import type { TenantContext } from '../context.js';
import { badInput, fromDatabaseError } from '../kernel/errors.js';
import { requiredText } from '../kernel/validation.js';
import * as vocabulary from './drug-vocabulary-repository.js';

/** What the vocabulary (global release and the organization's names) makes of a name. */
export async function resolveDrugName(ctx: TenantContext, name: string) {
  const given = requiredText(name, 'name', 200);
  return ctx.session.read(async (tx) => {
    const [row] = await vocabulary.resolveDrugTerms(tx, ctx.viewer.organizationId, [given]);
    return {
      name: given,
      normalizedName: row!.normalized,
      match: row!.matchKind as 'EXACT' | 'CONTAINS' | 'SPELLING' | 'NONE',
      matchedNames: row!.matchedTerms,
      ingredients: row!.ingredients,
      allergyClasses: row!.classCodes,
      vocabularyVersion: await vocabulary.drugVocabularyVersion(tx),
    };
  });
}

const ENTRY_CONSTRAINTS = {
  organization_drug_terms_term_unique: () => badInput('Your organization already added a name that normalizes the same', 'name'),
};

/** Adds a name to the organization's vocabulary (ingredients and/or allergy classes), audited. */
export async function addDrugVocabularyEntry(
  ctx: TenantContext,
  input: { name: string; ingredients: readonly string[]; allergyClasses: readonly string[] },
): Promise<vocabulary.OrganizationDrugTermRow> {
  const displayName = requiredText(input.name, 'name', 200);
  if (input.ingredients.length > 20) throw badInput('At most 20 ingredients', 'ingredients');
  if (input.allergyClasses.length > 20) throw badInput('At most 20 allergy classes', 'allergyClasses');
  const ingredients = input.ingredients.map((i) => requiredText(i, 'ingredients', 200));
  const classCodes = [...new Set(input.allergyClasses.map((c) => c.trim().toUpperCase()))];
  if (ingredients.length === 0 && classCodes.length === 0) {
    throw badInput('Give at least one ingredient or allergy class', 'ingredients');
  }
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const known = await vocabulary.existingAllergyClasses(tx, classCodes);
    const unknown = classCodes.filter((c) => !known.includes(c));
    if (unknown.length > 0) throw badInput(`Unknown allergy classes: ${unknown.join(', ')}`, 'allergyClasses', { unknown });
    const entry = await vocabulary
      .insertOrganizationDrugTerm(tx, scope.organizationId, { displayName, ingredients, classCodes, createdBy: ctx.viewer.userId })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, ENTRY_CONSTRAINTS)));
    audit({ action: 'drug_vocabulary.add', entityType: 'organization_drug_term', entityId: entry.id, after: entry });
    return entry;
  });
}
