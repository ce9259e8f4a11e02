import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { KeysetSlice } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { sliceOfChildren } from '../kernel/keyset.js';

/** One row of `drug_allergies` as the API reads it. */
export interface DrugAllergyRow extends RowStamps {
  id: string;
  organizationId: string;
  patientId: string;
  allergen: string;
  allergenCode: string | null;
  reaction: string | null;
  severity: string | null;
  status: string;
  onsetDate: string | null;
  recordedBy: string | null;
  notes: string | null;
}

export function drugAllergiesByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<DrugAllergyRow[]> {
  return tx<DrugAllergyRow[]>`
    /* drugAllergiesByIds */
    select id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
           notes, created_at, updated_at, version
    from drug_allergies
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** The drug allergies of many patients, oldest first, optionally only some statuses. */
export async function drugAllergiesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  statuses: string[] | null,
  limit: number | null,
): Promise<DrugAllergyRow[]> {
  return tx<DrugAllergyRow[]>`
    /* drugAllergiesByPatientIds */
    select r.* from unnest(${patientIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
             notes, created_at, updated_at, version
      from drug_allergies
      where organization_id = ${organizationId}::uuid and patient_id = parent.id
        and deleted_at is null and (${statuses}::text[] is null or status = any(${statuses}::text[]))
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

export interface NewDrugAllergy {
  patientId: string;
  allergen: string;
  allergenCode: string | null;
  reaction: string | null;
  severity: string | null;
  onsetDate: string | null;
  recordedBy: string;
  notes: string | null;
}

export async function insertDrugAllergy(tx: TransactionSql, organizationId: string, a: NewDrugAllergy): Promise<DrugAllergyRow> {
  const rows = await tx<DrugAllergyRow[]>`
    /* insertDrugAllergy */
    insert into drug_allergies (organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date,
                                recorded_by, notes)
    values (${organizationId}::uuid, ${a.patientId}::uuid, ${a.allergen}::text, ${a.allergenCode}::text, ${a.reaction}::text,
            ${a.severity}::text, 'ACTIVE', ${a.onsetDate}::date, ${a.recordedBy}::uuid, ${a.notes}::text)
    returning id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
              notes, created_at, updated_at, version
  `;
  return rows[0]!;
}

export function lockDrugAllergy(tx: TransactionSql, organizationId: string, id: string): Promise<DrugAllergyRow | null> {
  return lockedRow(tx, 'lockDrugAllergy', drugAllergiesByIds(tx, organizationId, [id]));
}

/** Writes the status of a locked allergy and bumps its version. */
export async function updateDrugAllergyStatus(tx: TransactionSql, a: DrugAllergyRow): Promise<DrugAllergyRow> {
  const rows = await tx<DrugAllergyRow[]>`
    /* updateDrugAllergyStatus */
    update drug_allergies set status = ${a.status}::text, version = version + 1
    where organization_id = ${a.organizationId}::uuid and id = ${a.id}::uuid and version = ${a.version}::int
      and deleted_at is null
    returning id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
              notes, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** One keyset slice of many patients' drug allergies (created_at, id order), changed since `slice.since`: FHIR export pages. */
export async function drugAllergySlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(DrugAllergyRow & { sortKey: string | null })[]> {
  return sliceOfChildren(
    tx,
    tx<(DrugAllergyRow & { sortKey: string | null })[]>`
      /* drugAllergySlicesByPatientIds */
      select id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
      notes, created_at, updated_at, version,
             cursor_timestamp(created_at)::text as sort_key
      from drug_allergies
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'created_at',
  );
}
