import type { TransactionSql } from '../kernel/db/pool.js';

/** A bounded, status-filtered list of a patient (`allergies(status:, first:)`). */
export interface ListPart {
  statuses: string[] | null;
  limit: number;
}

/**
 * Which of a patient's relations the `patient_bundles` SQL function (migration
 * 000009) returns, with the arguments the selection gave them; a relation left
 * out is not read (its loader fetches it if some resolver asks). Connection
 * limits are `page.limit + 1`, as the connection loaders fetch them; only first
 * pages (no cursor) are bundled.
 */
export interface PatientBundleRequest {
  summary?: true;
  balance?: true;
  allergies?: ListPart;
  problems?: ListPart;
  prescriptions?: ListPart & { prescriber: boolean };
  encounters?: ListPart & { provider: boolean; vitalSigns: number | null };
  invoices?: ListPart & { payments: number | null };
  clinicalNotes?: { limit: number; author: boolean };
  labTests?: ListPart & { results: number | null };
}

/**
 * A patient's requested relations as `patient_bundles` returns them: the summary
 * and balance as columns, each list as JSON text (snake_case keys, numerics as
 * text) that `patient-prefetch.ts` parses into the repositories' row shapes.
 * Text, not json: postgres.js would rebuild every nested object to camelCase
 * its keys, which cost more CPU than the rest of the request's row handling.
 */
export interface PatientBundleColumns {
  encounterCount: number | null;
  lastEncounterAt: Date | null;
  activeProblemCount: number | null;
  balance: string | null;
  allergies: string | null;
  problems: string | null;
  prescriptions: string | null;
  encounters: string | null;
  invoices: string | null;
  clinicalNotes: string | null;
  labTests: string | null;
}

/** The requested relations of many patients in one statement (`patient(id:)`; `patientPageWithBundles` joins the same function). */
export async function patientBundlesByIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
  request: PatientBundleRequest,
): Promise<(PatientBundleColumns & { patientId: string })[]> {
  const rows = await tx<(PatientBundleColumns & { patientId: string | null })[]>`
    /* patientBundlesByIds */
    select b.patient_id, b.encounter_count, b.last_encounter_at, b.active_problem_count, b.balance, b.allergies,
           b.problems, b.prescriptions, b.encounters, b.invoices, b.clinical_notes, b.lab_tests
    from patient_bundles(${organizationId}::uuid, ${ids as string[]}::uuid[], ${JSON.stringify(request)}::text::jsonb) b
  `;
  return rows as (PatientBundleColumns & { patientId: string })[];
}
