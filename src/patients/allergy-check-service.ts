import type { TransactionSql } from '../kernel/db/pool.js';
import type { Viewer } from '../kernel/auth/viewer.js';
import { conflict, forbidden } from '../kernel/errors.js';
import {
  describeMatch,
  matchAllergies,
  type AllergyMatch,
  type CheckedProduct,
  type DrugNameMatch,
  type DrugResolution,
} from './allergy-check-rules.js';
import * as allergies from './drug-allergy-repository.js';
import * as vocabulary from './drug-vocabulary-repository.js';

export const toResolution = (r: vocabulary.DrugResolutionRow): DrugResolution => ({
  normalized: r.normalized,
  matchKind: r.matchKind as DrugNameMatch,
  matchedTerms: r.matchedTerms,
  ingredients: r.ingredients,
  classCodes: r.classCodes,
});

/** The vocabulary's reading of a medication name, for the allergy check. */
export async function medicationProduct(tx: TransactionSql, organizationId: string, name: string, code: string | null): Promise<CheckedProduct> {
  const [row] = await vocabulary.resolveDrugTerms(tx, organizationId, [name]);
  return { name, code, resolution: toResolution(row!) };
}

/**
 * Checks a product against the patient's ACTIVE allergies inside the caller's write transaction (after the
 * patient lock, so an allergy recorded concurrently cannot slip past) and answers the matches the caller must
 * audit with the override. A hard stop is refused even with a reason; any other match is refused without an
 * `allergyOverrideReason`, and a reason is accepted only from a prescriber (allergies:override).
 */
export async function assertAllergySafe(
  tx: TransactionSql,
  viewer: Viewer,
  organizationId: string,
  patientId: string,
  product: CheckedProduct,
  overrideReason: string | null,
): Promise<AllergyMatch[]> {
  const active = await allergies.drugAllergiesByPatientIds(tx, organizationId, [patientId], ['ACTIVE'], null);
  if (active.length === 0) return [];
  const resolved = await vocabulary.resolveDrugTerms(tx, organizationId, active.map((a) => a.allergen));
  const checked = active.map((a, i) => ({ ...a, resolution: toResolution(resolved[i]!) }));
  const crossReactions = await vocabulary.crossReactionsBetween(
    tx,
    [...new Set(checked.flatMap((a) => a.resolution.classCodes))],
    product.resolution.classCodes,
  );
  const matches = matchAllergies(checked, product, crossReactions);
  if (matches.length === 0) return [];
  const worst = matches[0]!;
  const details = {
    decision: worst.decision,
    allergyId: worst.allergyId,
    allergen: worst.allergen,
    severity: worst.severity,
    uncertain: matches.every((m) => m.uncertain),
    allergyIds: matches.map((m) => m.allergyId),
    matches,
  };
  const listed = matches.map(describeMatch).join('; ');
  const readAs = worst.productReadAs ? ` (read as "${worst.productReadAs}")` : '';
  if (matches.some((m) => m.decision === 'HARD_STOP')) {
    throw conflict(
      `${product.name}${readAs} is contraindicated by the patient's allergies and cannot be overridden: ${listed}. Choose another product`,
      details,
    );
  }
  if (!overrideReason) {
    throw conflict(
      `${product.name}${readAs} matches the patient's active allergies: ${listed}. A prescriber (PHYSICIAN) may proceed by passing allergyOverrideReason`,
      details,
    );
  }
  if (!viewer.permissions.has('allergies:override')) {
    throw forbidden(`Only a prescriber (PHYSICIAN) may override an allergy alert (${listed})`);
  }
  return matches;
}

/** The audit record of an override: the reason and what was overridden, classes included. */
export const overrideAuditDetails = (reason: string, product: CheckedProduct, matches: readonly AllergyMatch[]) => ({
  reason,
  product: { name: product.name, normalized: product.resolution.normalized, ingredients: product.resolution.ingredients, classCodes: product.resolution.classCodes },
  allergies: matches.map((m) => ({
    id: m.allergyId,
    allergen: m.allergen,
    severity: m.severity,
    basis: m.basis,
    classCodes: m.classCodes,
    ingredients: m.ingredients,
    uncertain: m.uncertain,
  })),
});
