import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { scansDescending, type PageRequest } from '../kernel/pagination.js';
import { pagedList } from '../kernel/root-list.js';

/**
 * Reads of the two append-only logs, audit_log (changes, sign-ins, refused
 * mutations) and phi_access_log (which patients each request read). Both are
 * written elsewhere (src/kernel/audit.ts, TenantSession.end); this domain only
 * reads them, in the request's organization (filter + row-level security).
 *
 * Both logs are partitioned by month of their time column (migration 000018): every query bounds
 * that column, open ends as ±infinity, in a form PostgreSQL prunes on (a bare `$from is null or …`
 * is not), so a month's query reads that month's partition only.
 */

/** One row of `audit_log`. */
export interface AuditEventRow {
  id: string;
  organizationId: string;
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  patientId: string | null;
  /** `{ before, after }`, parsed. */
  changes: Record<string, unknown> | null;
  outcome: string;
  requestId: string | null;
  occurredAt: Date;
  /** occurred_at as the cursor carries it (microseconds). */
  sortKey: string;
}

/** As selected: changes as JSON text; cursor_timestamp() is typed nullable (it is not, for a NOT NULL column). */
type AuditEventRecord = Omit<AuditEventRow, 'changes' | 'sortKey'> & { changes: string | null; sortKey: string | null };

const toAuditEvent = (r: AuditEventRecord): AuditEventRow => ({
  ...r,
  changes: r.changes === null ? null : (JSON.parse(r.changes) as Record<string, unknown>),
  sortKey: r.sortKey!,
});

/** Conditions of `auditEvents`; null = any. Instants as ISO 8601 text. */
export interface AuditEventFilter {
  entityType: string | null;
  entityId: string | null;
  actorId: string | null;
  action: string | null;
  outcome: string | null;
  from: string | null;
  to: string | null;
}

/** The organization's audit trail, newest first, keyset on (occurred_at, id): one index range per filter (migration 000012). */
export async function auditEventPage(tx: TransactionSql, organizationId: string, f: AuditEventFilter, page: PageRequest): Promise<AuditEventRow[]> {
  const [at, id] = (page.cursor ?? [null, null]) as [string | null, string | null];
  // Both scan directions in one statement (see scansDescending).
  const descending = scansDescending(page, 'desc');
  const rows = await tx<AuditEventRecord[]>`
    /* auditEventPage */
    with matching as not materialized (
      select id, organization_id, actor_user_id, action, entity_type, entity_id, subject_patient_id as patient_id, changes::text as changes,
             outcome, request_id, occurred_at, cursor_timestamp(occurred_at)::text as sort_key
      from audit_log
      where organization_id = ${organizationId}::uuid
        and (${f.entityType}::text is null or entity_type = ${f.entityType}::text)
        and (${f.entityId}::uuid is null or entity_id = ${f.entityId}::uuid)
        and (${f.actorId}::uuid is null or actor_user_id = ${f.actorId}::uuid)
        and (${f.action}::text is null or action = ${f.action}::text)
        and (${f.outcome}::text is null or outcome = ${f.outcome}::text)
        and occurred_at >= coalesce(${f.from}::timestamptz, '-infinity') and occurred_at < coalesce(${f.to}::timestamptz, 'infinity')
    )
    select * from matching
    where (${id}::uuid is null or case when ${descending}::boolean then (occurred_at, id) < (${at}::text::timestamptz, ${id}::uuid)
                                       else (occurred_at, id) > (${at}::text::timestamptz, ${id}::uuid) end)
    order by case when ${descending}::boolean then occurred_at end desc, case when ${descending}::boolean then id end desc,
             occurred_at, id
    limit ${page.limit + 1}::int
  `;
  return rows.map(toAuditEvent);
}

export function countAuditEvents(tx: TransactionSql, organizationId: string, f: AuditEventFilter, limit: number | null): PendingQuery<{ count: number }[]> {
  return tx<{ count: number }[]>`
    /* countAuditEvents */
    select count(*)::int as count from (
      select 1 from audit_log
      where organization_id = ${organizationId}::uuid
        and (${f.entityType}::text is null or entity_type = ${f.entityType}::text)
        and (${f.entityId}::uuid is null or entity_id = ${f.entityId}::uuid)
        and (${f.actorId}::uuid is null or actor_user_id = ${f.actorId}::uuid)
        and (${f.action}::text is null or action = ${f.action}::text)
        and (${f.outcome}::text is null or outcome = ${f.outcome}::text)
        and occurred_at >= coalesce(${f.from}::timestamptz, '-infinity') and occurred_at < coalesce(${f.to}::timestamptz, 'infinity')
      limit ${limit}::int
    ) matching
  `;
}

/** One entry of a patient's access log: a request that read the patient (READ) or an audit row about them (CHANGE). */
export interface PatientAccessRow {
  /** READ or CHANGE. */
  kind: string;
  /** The phi_access_log or audit_log row's id. */
  id: string;
  occurredAt: Date;
  actorId: string | null;
  operationName: string | null;
  action: string | null;
  entityType: string | null;
  entityId: string | null;
  outcome: string | null;
  requestId: string | null;
  sortKey: string;
}

/**
 * The row as SafeQL types the UNION: id, time and sort key nullable (a UNION loses NOT NULL), and
 * the READ branch's null literals typed as the CHANGE branch's columns. Read as PatientAccessRow.
 */
interface PatientAccessRecord {
  kind: string;
  id: string | null;
  occurredAt: Date | null;
  actorId: string | null;
  operationName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  outcome: string;
  requestId: string | null;
  sortKey: string | null;
}

const toAccessRow = (r: PatientAccessRecord): PatientAccessRow => ({ ...r, id: r.id!, occurredAt: r.occurredAt!, sortKey: r.sortKey! });

/** The instants bounding a patient's access log (ISO 8601; null = open). */
export interface AccessRange {
  from: string | null;
  to: string | null;
}

/**
 * A patient's access log, newest first, keyset on (occurred_at, id): the requests that read the
 * patient (GIN index on phi_access_log.patient_ids) merged with the audit rows about the patient
 * and their records (audit_log.subject_patient_id, filled by trigger; migration 000012).
 */
export async function patientAccessPage(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  range: AccessRange,
  page: PageRequest,
): Promise<PatientAccessRow[]> {
  const [at, id] = (page.cursor ?? [null, null]) as [string | null, string | null];
  const descending = scansDescending(page, 'desc');
  const rows = await tx<PatientAccessRecord[]>`
    /* patientAccessPage */
    with entries as not materialized (
      select 'READ'::text as kind, l.id, l.accessed_at as occurred_at, l.user_id as actor_id, l.operation_name,
             null::text as action, null::text as entity_type, null::uuid as entity_id, null::text as outcome, l.request_id
      from phi_access_log l
      where l.organization_id = ${organizationId}::uuid and l.patient_ids @> array[${patientId}::uuid]
        and l.accessed_at >= coalesce(${range.from}::timestamptz, '-infinity') and l.accessed_at < coalesce(${range.to}::timestamptz, 'infinity')
      union all
      select 'CHANGE'::text, a.id, a.occurred_at, a.actor_user_id, null::text, a.action, a.entity_type, a.entity_id, a.outcome,
             a.request_id
      from audit_log a
      where a.organization_id = ${organizationId}::uuid and a.subject_patient_id = ${patientId}::uuid
        and a.occurred_at >= coalesce(${range.from}::timestamptz, '-infinity') and a.occurred_at < coalesce(${range.to}::timestamptz, 'infinity')
    )
    select kind, id, occurred_at, actor_id, operation_name, action, entity_type, entity_id, outcome, request_id,
           cursor_timestamp(occurred_at)::text as sort_key
    from entries
    where (${id}::uuid is null or case when ${descending}::boolean then (occurred_at, id) < (${at}::text::timestamptz, ${id}::uuid)
                                       else (occurred_at, id) > (${at}::text::timestamptz, ${id}::uuid) end)
    order by case when ${descending}::boolean then occurred_at end desc, case when ${descending}::boolean then id end desc,
             occurred_at, id
    limit ${page.limit + 1}::int
  `;
  return rows.map(toAccessRow);
}

export function countPatientAccess(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  range: AccessRange,
  limit: number | null,
): PendingQuery<{ count: number }[]> {
  return tx<{ count: number }[]>`
    /* countPatientAccess */
    select count(*)::int as count from (
      select 1 from phi_access_log l
      where l.organization_id = ${organizationId}::uuid and l.patient_ids @> array[${patientId}::uuid]
        and l.accessed_at >= coalesce(${range.from}::timestamptz, '-infinity') and l.accessed_at < coalesce(${range.to}::timestamptz, 'infinity')
      union all
      select 1 from audit_log a
      where a.organization_id = ${organizationId}::uuid and a.subject_patient_id = ${patientId}::uuid
        and a.occurred_at >= coalesce(${range.from}::timestamptz, '-infinity') and a.occurred_at < coalesce(${range.to}::timestamptz, 'infinity')
      limit ${limit}::int
    ) matching
  `;
}

/** A patient's access log in a closed range, oldest first, at most `limit` entries (the disclosures export). */
export async function patientAccessHistory(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  range: { from: string; to: string },
  limit: number,
): Promise<PatientAccessRow[]> {
  const rows = await tx<PatientAccessRecord[]>`
    /* patientAccessHistory */
    with entries as not materialized (
      select 'READ'::text as kind, l.id, l.accessed_at as occurred_at, l.user_id as actor_id, l.operation_name,
             null::text as action, null::text as entity_type, null::uuid as entity_id, null::text as outcome, l.request_id
      from phi_access_log l
      where l.organization_id = ${organizationId}::uuid and l.patient_ids @> array[${patientId}::uuid]
        and l.accessed_at >= ${range.from}::timestamptz and l.accessed_at < ${range.to}::timestamptz
      union all
      select 'CHANGE'::text, a.id, a.occurred_at, a.actor_user_id, null::text, a.action, a.entity_type, a.entity_id, a.outcome,
             a.request_id
      from audit_log a
      where a.organization_id = ${organizationId}::uuid and a.subject_patient_id = ${patientId}::uuid
        and a.occurred_at >= ${range.from}::timestamptz and a.occurred_at < ${range.to}::timestamptz
    )
    select kind, id, occurred_at, actor_id, operation_name, action, entity_type, entity_id, outcome, request_id,
           cursor_timestamp(occurred_at)::text as sort_key
    from entries
    order by occurred_at, id
    limit ${limit}::int
  `;
  return rows.map(toAccessRow);
}

export { patientOnRecord } from '../patients/patient-repository.js';

/** `Query.auditEvents`: events about a patient's record show what was done to it (to ORG_ADMIN, the values), a PHI access. */
export const auditEventList = pagedList('auditEvents:occurredAt', auditEventPage, countAuditEvents, (e) => [e.sortKey, e.id], (e) => e.patientId);

/** `Query.patientAccessLog`: one patient's accesses in a range. */
export const patientAccessList = pagedList(
  'patientAccessLog:occurredAt',
  (tx, org, f: { patientId: string; range: AccessRange }, page) => patientAccessPage(tx, org, f.patientId, f.range, page),
  (tx, org, f, limit) => countPatientAccess(tx, org, f.patientId, f.range, limit),
  (e) => [e.sortKey, e.id],
);
