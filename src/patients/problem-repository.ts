import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { type ChildRows, type KeysetSlice } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { sliceOfChildren } from '../kernel/keyset.js';

/** One row of `problem_list` as the API reads it. */
export interface ProblemRow extends RowStamps {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  code: string | null;
  codeSystem: string | null;
  description: string;
  status: string;
  severity: string | null;
  onsetDate: string | null;
  resolvedDate: string | null;
  recordedBy: string | null;
  notes: string | null;
}

export function problemsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<ProblemRow[]> {
  return tx<ProblemRow[]>`
    /* problemsByIds */
    select id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
           resolved_date, recorded_by, notes, created_at, updated_at, version
    from problem_list
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** The problem lists of many patients, oldest first, optionally only some statuses. */
export async function problemsByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  statuses: string[] | null,
  limit: number | null,
): Promise<ProblemRow[]> {
  return tx<ProblemRow[]>`
    /* problemsByPatientIds */
    select r.* from unnest(${patientIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
             resolved_date, recorded_by, notes, created_at, updated_at, version
      from problem_list
      where organization_id = ${organizationId}::uuid and patient_id = parent.id
        and deleted_at is null and (${statuses}::text[] is null or status = any(${statuses}::text[]))
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

export async function problemsByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<ProblemRow[]> {
  return tx<ChildRows<ProblemRow, 'encounterId'>>`
    /* problemsByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
             resolved_date, recorded_by, notes, created_at, updated_at, version
      from problem_list
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

export interface NewProblem {
  patientId: string;
  encounterId: string | null;
  code: string | null;
  codeSystem: string | null;
  description: string;
  severity: string | null;
  onsetDate: string | null;
  recordedBy: string;
  notes: string | null;
}

export async function insertProblem(tx: TransactionSql, organizationId: string, p: NewProblem): Promise<ProblemRow> {
  const rows = await tx<ProblemRow[]>`
    /* insertProblem */
    insert into problem_list (organization_id, patient_id, encounter_id, code, code_system, description, status, severity,
                              onset_date, recorded_by, notes)
    values (${organizationId}::uuid, ${p.patientId}::uuid, ${p.encounterId}::uuid, ${p.code}::text, ${p.codeSystem}::text,
            ${p.description}::text, 'ACTIVE', ${p.severity}::text, ${p.onsetDate}::date, ${p.recordedBy}::uuid, ${p.notes}::text)
    returning id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
              resolved_date, recorded_by, notes, created_at, updated_at, version
  `;
  return rows[0]!;
}

export function lockProblem(tx: TransactionSql, organizationId: string, id: string): Promise<ProblemRow | null> {
  return lockedRow(tx, 'lockProblem', problemsByIds(tx, organizationId, [id]));
}

/** Writes the status columns of a locked problem and bumps its version. */
export async function updateProblemStatus(tx: TransactionSql, p: ProblemRow): Promise<ProblemRow> {
  const rows = await tx<ProblemRow[]>`
    /* updateProblemStatus */
    update problem_list set status = ${p.status}::text, resolved_date = ${p.resolvedDate}::date, version = version + 1
    where organization_id = ${p.organizationId}::uuid and id = ${p.id}::uuid and version = ${p.version}::int
      and deleted_at is null
    returning id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
              resolved_date, recorded_by, notes, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** One keyset slice of many patients' problems (created_at, id order), changed since `slice.since`: FHIR export pages. */
export async function problemSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(ProblemRow & { sortKey: string | null })[]> {
  return sliceOfChildren(
    tx,
    tx<(ProblemRow & { sortKey: string | null })[]>`
      /* problemSlicesByPatientIds */
      select id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
      resolved_date, recorded_by, notes, created_at, updated_at, version,
             cursor_timestamp(created_at)::text as sort_key
      from problem_list
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'created_at',
  );
}
