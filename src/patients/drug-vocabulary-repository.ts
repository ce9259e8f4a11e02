import type { TransactionSql } from '../kernel/db/pool.js';

/** What the vocabulary made of one name (resolve_drug_term), in the order the names were given. */
export interface DrugResolutionRow {
  input: string;
  normalized: string;
  matchKind: string;
  matchedTerms: string[];
  ingredients: string[];
  classCodes: string[];
}

/** Resolves many medication or allergen names in one statement: ingredients and allergy classes of each. */
export async function resolveDrugTerms(tx: TransactionSql, organizationId: string, names: readonly string[]): Promise<DrugResolutionRow[]> {
  if (names.length === 0) return [];
  const rows = await tx<{ input: string | null; normalized: string | null; matchKind: string | null; matchedTerms: string[] | null; ingredients: string[] | null; classCodes: string[] | null }[]>`
    /* resolveDrugTerms */
    select n.input, r.normalized, r.match_kind, r.matched_terms, r.ingredients, r.class_codes
    from unnest(${names as string[]}::text[]) with ordinality as n(input, position),
         lateral resolve_drug_term(${organizationId}::uuid, n.input) as r
    order by n.position
  `;
  return rows.map((r) => ({
    input: r.input ?? '',
    normalized: r.normalized ?? '',
    matchKind: r.matchKind ?? 'NONE',
    matchedTerms: r.matchedTerms ?? [],
    ingredients: r.ingredients ?? [],
    classCodes: r.classCodes ?? [],
  }));
}

export interface CrossReactionRow {
  allergyClass: string;
  drugClass: string;
  note: string;
}

/** The cross-reactions from any of the allergy classes to any of the drug classes. */
export async function crossReactionsBetween(
  tx: TransactionSql,
  allergyClasses: readonly string[],
  drugClasses: readonly string[],
): Promise<CrossReactionRow[]> {
  if (allergyClasses.length === 0 || drugClasses.length === 0) return [];
  return tx<CrossReactionRow[]>`
    /* crossReactionsBetween */
    select allergy_class, drug_class, note
    from allergy_class_cross_reactions
    where allergy_class = any(${allergyClasses as string[]}::text[]) and drug_class = any(${drugClasses as string[]}::text[])
    order by allergy_class, drug_class
  `;
}

/** The allergy class codes among `codes` that exist. */
export async function existingAllergyClasses(tx: TransactionSql, codes: readonly string[]): Promise<string[]> {
  const rows = await tx<{ code: string }[]>`
    /* existingAllergyClasses */
    select code from allergy_classes where code = any(${codes as string[]}::text[]) order by code
  `;
  return rows.map((r) => r.code);
}

/** The current vocabulary release, e.g. 2026.12. */
export async function drugVocabularyVersion(tx: TransactionSql): Promise<string> {
  const rows = await tx<{ version: string }[]>`
    /* drugVocabularyVersion */
    select version from drug_vocabulary_releases order by released_on desc, version desc limit 1
  `;
  return rows[0]?.version ?? 'unknown';
}

/** One row of `organization_drug_terms`. */
export interface OrganizationDrugTermRow {
  id: string;
  organizationId: string;
  displayName: string;
  term: string;
  ingredients: string[];
  classCodes: string[];
  createdBy: string;
  createdAt: Date;
}

export interface NewOrganizationDrugTerm {
  displayName: string;
  ingredients: readonly string[];
  classCodes: readonly string[];
  createdBy: string;
}

/** Adds a name to the organization's vocabulary; ingredient names are stored normalized. */
export async function insertOrganizationDrugTerm(
  tx: TransactionSql,
  organizationId: string,
  t: NewOrganizationDrugTerm,
): Promise<OrganizationDrugTermRow> {
  const rows = await tx<OrganizationDrugTermRow[]>`
    /* insertOrganizationDrugTerm */
    insert into organization_drug_terms (organization_id, display_name, ingredients, class_codes, created_by)
    values (${organizationId}::uuid, ${t.displayName}::text,
            array(select distinct normalize_drug_name(i) from unnest(${t.ingredients as string[]}::text[]) i where btrim(i) <> '' order by 1),
            ${t.classCodes as string[]}::text[], ${t.createdBy}::uuid)
    returning id, organization_id, display_name, term, ingredients, class_codes, created_by, created_at
  `;
  return rows[0]!;
}
