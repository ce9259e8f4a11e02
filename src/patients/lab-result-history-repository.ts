import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { scansDescending, type PageRequest } from '../kernel/pagination.js';
import type { LabResultRow } from './lab-test-repository.js';
import { pagedList } from '../kernel/root-list.js';

/** A result replaced by a later one (table `lab_result_supersessions`). */
export interface LabResultSupersessionRow {
  organizationId: string;
  supersededId: string;
  supersedingId: string;
  labTestId: string;
  kind: string;
  reason: string | null;
  recordedBy: string | null;
  recordedAt: Date;
}

/** Which later result replaced each of these results (at most one each). */
export async function supersessionsBySupersededIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
): Promise<LabResultSupersessionRow[]> {
  return tx<LabResultSupersessionRow[]>`
    /* supersessionsBySupersededIds */
    select organization_id, superseded_id, superseding_id, lab_test_id, kind, reason, recorded_by, recorded_at
    from lab_result_supersessions
    where organization_id = ${organizationId}::uuid and superseded_id = any(${ids as string[]}::uuid[])
  `;
}

/** Which earlier results each of these results replaced, corrections first. */
export async function supersessionsBySupersedingIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
): Promise<LabResultSupersessionRow[]> {
  return tx<LabResultSupersessionRow[]>`
    /* supersessionsBySupersedingIds */
    select organization_id, superseded_id, superseding_id, lab_test_id, kind, reason, recorded_by, recorded_at
    from lab_result_supersessions
    where organization_id = ${organizationId}::uuid and superseding_id = any(${ids as string[]}::uuid[])
    order by superseding_id, kind, recorded_at desc
  `;
}

/** The current (not replaced) results of a lab test, optionally of one analyte (trimmed, case-insensitive). */
export async function currentResultsOfLabTest(
  tx: TransactionSql,
  organizationId: string,
  labTestId: string,
  analyte: string | null,
): Promise<{ id: string; analyte: string; status: string }[]> {
  return tx<{ id: string; analyte: string; status: string }[]>`
    /* currentResultsOfLabTest */
    select r.id, r.analyte, r.status from lab_results r
    where r.organization_id = ${organizationId}::uuid and r.lab_test_id = ${labTestId}::uuid and r.deleted_at is null
      and r.status in ('PRELIMINARY', 'FINAL')
      and (${analyte}::text is null or lower(btrim(r.analyte)) = lower(btrim(${analyte}::text)))
      and not exists (select 1 from lab_result_supersessions s
                      where s.organization_id = r.organization_id and s.superseded_id = r.id)
    order by r.resulted_at, r.id
  `;
}

export async function insertSupersessions(
  tx: TransactionSql,
  organizationId: string,
  s: { supersededIds: string[]; supersedingId: string; labTestId: string; kind: string; reason: string | null; recordedBy: string },
): Promise<void> {
  await tx`
    /* insertSupersessions */
    insert into lab_result_supersessions (organization_id, superseded_id, superseding_id, lab_test_id, kind, reason, recorded_by)
    select ${organizationId}::uuid, superseded, ${s.supersedingId}::uuid, ${s.labTestId}::uuid, ${s.kind}::text, ${s.reason}::text,
           ${s.recordedBy}::uuid
    from unnest(${s.supersededIds}::uuid[]) as superseded
  `;
}

/**
 * Locks a live result of the organization for a correction. FOR NO KEY UPDATE: a concurrent result that
 * references it (a supersession's foreign key takes KEY SHARE) is not blocked, so no deadlock with
 * recordLabResult, which locks the test first.
 */
export async function lockLabResult(tx: TransactionSql, organizationId: string, id: string): Promise<LabResultRow | null> {
  const rows = await tx<LabResultRow[]>`
    /* lockLabResult */
    select id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
           reference_range, reference_low, reference_high, abnormal_flag, status, notes, resulted_at, resulted_by,
           created_at, updated_at, version,
           cursor_timestamp(resulted_at)::text as sort_key
    from lab_results
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and deleted_at is null
    for no key update
  `;
  return rows[0] ?? null;
}

/** Marks a locked FINAL result CORRECTED (its value stays) and bumps its version. */
export async function markLabResultCorrected(tx: TransactionSql, r: LabResultRow): Promise<LabResultRow> {
  const rows = await tx<LabResultRow[]>`
    /* markLabResultCorrected */
    update lab_results set status = 'CORRECTED', version = version + 1
    where organization_id = ${r.organizationId}::uuid and id = ${r.id}::uuid and version = ${r.version}::int
      and deleted_at is null
    returning id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
              reference_range, reference_low, reference_high, abnormal_flag, status, notes, resulted_at, resulted_by,
              created_at, updated_at, version,
              cursor_timestamp(resulted_at)::text as sort_key
  `;
  return rows[0]!;
}

/**
 * Current critical results of the tests a provider ordered, newest first: a scan of the partial
 * index of critical results (lab_results_org_critical_idx), joined to the ordering test.
 */
export async function criticalResultPage(
  tx: TransactionSql,
  organizationId: string,
  orderedBy: string,
  page: PageRequest,
): Promise<LabResultRow[]> {
  const [at, id] = (page.cursor ?? [null, null]) as [string | null, string | null];
  // Both scan directions in one statement (see scansDescending).
  const descending = scansDescending(page, 'desc');
  return tx<LabResultRow[]>`
    /* criticalResultPage */
    select r.id, r.organization_id, r.lab_test_id, r.patient_id, r.analyte, r.analyte_code, r.result_value,
           r.result_numeric, r.result_unit, r.reference_range, r.reference_low, r.reference_high, r.abnormal_flag,
           r.status, r.notes, r.resulted_at, r.resulted_by, r.created_at, r.updated_at, r.version,
           cursor_timestamp(r.resulted_at)::text as sort_key
    from lab_results r
    join lab_tests t on t.organization_id = r.organization_id and t.id = r.lab_test_id
    where r.organization_id = ${organizationId}::uuid
      and r.abnormal_flag in ('CRITICAL_LOW', 'CRITICAL_HIGH') and r.deleted_at is null and r.status <> 'CORRECTED'
      and t.ordered_by = ${orderedBy}::uuid and t.deleted_at is null
      and not exists (select 1 from lab_result_supersessions s where s.organization_id = r.organization_id and s.superseded_id = r.id)
      and (${id}::uuid is null or case when ${descending}::boolean then (r.resulted_at, r.id) < (${at}::text::timestamptz, ${id}::uuid)
                                       else (r.resulted_at, r.id) > (${at}::text::timestamptz, ${id}::uuid) end)
    order by case when ${descending}::boolean then r.resulted_at end desc, case when ${descending}::boolean then r.id end desc,
             r.resulted_at, r.id
    limit ${page.limit + 1}::int
  `;
}

export function countCriticalResults(tx: TransactionSql, organizationId: string, orderedBy: string, limit: number | null): PendingQuery<{ count: number }[]> {
  return tx<{ count: number }[]>`
    /* countCriticalResults */
    select count(*)::int as count from (
      select 1
      from lab_results r
      join lab_tests t on t.organization_id = r.organization_id and t.id = r.lab_test_id
      where r.organization_id = ${organizationId}::uuid
        and r.abnormal_flag in ('CRITICAL_LOW', 'CRITICAL_HIGH') and r.deleted_at is null and r.status <> 'CORRECTED'
        and t.ordered_by = ${orderedBy}::uuid and t.deleted_at is null
        and not exists (select 1 from lab_result_supersessions s where s.organization_id = r.organization_id and s.superseded_id = r.id)
      limit ${limit}::int
    ) matching
  `;
}

/** `Query.criticalResults` of one orderer (a cursor is that orderer's). */
export const criticalResultList = pagedList((orderedBy) => `criticalResults:${orderedBy}`, criticalResultPage, countCriticalResults, (r) => [r.sortKey, r.id], (r) => r.patientId);
