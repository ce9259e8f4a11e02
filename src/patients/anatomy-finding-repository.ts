import type { TransactionSql } from '../kernel/db/pool.js';
import type { ChildRows } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';

/** One row of `anatomy_findings` as the API reads it. */
export interface AnatomyFindingRow extends RowStamps {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  bodySystemId: string;
  recordedBy: string | null;
  location: string | null;
  laterality: string | null;
  finding: string;
  severity: string | null;
  notes: string | null;
  observedAt: Date;
}

export async function anatomyFindingsByIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
): Promise<AnatomyFindingRow[]> {
  return tx<AnatomyFindingRow[]>`
    /* anatomyFindingsByIds */
    select id, organization_id, patient_id, encounter_id, body_system_id, recorded_by, location, laterality, finding,
           severity, notes, observed_at, created_at, updated_at, version
    from anatomy_findings
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** Findings of many patients, newest observation first within each patient. */
export async function anatomyFindingsByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  limit: number | null,
): Promise<AnatomyFindingRow[]> {
  return tx<AnatomyFindingRow[]>`
    /* anatomyFindingsByPatientIds */
    select r.* from unnest(${patientIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, body_system_id, recorded_by, location, laterality, finding,
             severity, notes, observed_at, created_at, updated_at, version
      from anatomy_findings
      where organization_id = ${organizationId}::uuid and patient_id = parent.id
        and deleted_at is null
      order by observed_at desc, id desc
      limit ${limit}::int
    ) r
    order by r.observed_at desc, r.id desc
  `;
}

/** Findings of many encounters, oldest observation first within each encounter. */
export async function anatomyFindingsByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<AnatomyFindingRow[]> {
  return tx<ChildRows<AnatomyFindingRow, 'encounterId'>>`
    /* anatomyFindingsByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, body_system_id, recorded_by, location, laterality, finding,
             severity, notes, observed_at, created_at, updated_at, version
      from anatomy_findings
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by observed_at, id
      limit ${limit}::int
    ) r
    order by r.observed_at, r.id
  `;
}

export interface NewAnatomyFinding {
  patientId: string;
  encounterId: string | null;
  bodySystemId: string;
  recordedBy: string;
  location: string | null;
  laterality: string | null;
  finding: string;
  severity: string | null;
  notes: string | null;
  observedAt: Date;
}

export async function insertAnatomyFinding(
  tx: TransactionSql,
  organizationId: string,
  f: NewAnatomyFinding,
): Promise<AnatomyFindingRow> {
  const rows = await tx<AnatomyFindingRow[]>`
    /* insertAnatomyFinding */
    insert into anatomy_findings (organization_id, patient_id, encounter_id, body_system_id, recorded_by, location,
                                  laterality, finding, severity, notes, observed_at)
    values (${organizationId}::uuid, ${f.patientId}::uuid, ${f.encounterId}::uuid, ${f.bodySystemId}::uuid,
            ${f.recordedBy}::uuid, ${f.location}::text, ${f.laterality}::text, ${f.finding}::text, ${f.severity}::text,
            ${f.notes}::text, ${f.observedAt}::timestamptz)
    returning id, organization_id, patient_id, encounter_id, body_system_id, recorded_by, location, laterality, finding,
              severity, notes, observed_at, created_at, updated_at, version
  `;
  return rows[0]!;
}
