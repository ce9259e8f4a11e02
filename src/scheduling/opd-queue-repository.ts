import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { scansDescending, type PageRequest } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { pagedList } from '../kernel/root-list.js';

/** One row of `opd_queue`. */
export interface OpdQueueRow extends RowStamps {
  id: string;
  organizationId: string;
  departmentId: string;
  queueDate: string;
  tokenNumber: number;
  patientId: string;
  appointmentId: string | null;
  priority: string;
  status: string;
  enqueuedAt: Date;
  calledAt: Date | null;
  calledBy: string | null;
  consultationStartedAt: Date | null;
  completedAt: Date | null;
  leftAt: Date | null;
  notes: string | null;
}

/** A queue listing row: the entry and its cursor key (stage 0 in consultation … 4 left, priority rank 0 emergency … 2 normal, token). */
export type OpdQueueListRow = OpdQueueRow & { stage: number; priorityRank: number };

/** Where a WAITING entry stands; both null for other statuses. */
export interface OpdQueueStandingRow {
  entryId: string;
  position: number | null;
  estimatedWaitMinutes: number | null;
}

export interface OpdQueueListFilter {
  departmentId: string;
  /** Null: today in the organization's time zone. */
  date: string | null;
  statuses: string[] | null;
}

export function opdQueueEntriesByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<OpdQueueRow[]> {
  return tx<OpdQueueRow[]>`
    /* opdQueueEntriesByIds */
    select id, organization_id, department_id, queue_date, token_number, patient_id, appointment_id, priority, status, enqueued_at, called_at, called_by, consultation_started_at, completed_at, left_at,
           notes, created_at, updated_at, version
    from opd_queue
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
}

/** The latest queue entry of each appointment. */
export async function opdQueueEntriesByAppointmentIds(
  tx: TransactionSql,
  organizationId: string,
  appointmentIds: readonly string[],
): Promise<OpdQueueRow[]> {
  const rows = await tx<OpdQueueRow[]>`
    /* opdQueueEntriesByAppointmentIds */
    select distinct on (appointment_id)
           id, organization_id, department_id, queue_date, token_number, patient_id, appointment_id, priority, status, enqueued_at, called_at, called_by, consultation_started_at, completed_at, left_at,
           notes, created_at, updated_at, version
    from opd_queue
    where organization_id = ${organizationId}::uuid and appointment_id = any(${appointmentIds as string[]}::uuid[])
    order by appointment_id, enqueued_at desc, id desc
  `;
  return rows;
}

/**
 * Position and estimated wait of many entries in one statement: each entry's
 * whole day-queue (department, date) is ranked once over `opd_queue_org_board_idx`.
 * Estimated wait = (WAITING entries ahead + entries CALLED or IN_CONSULTATION)
 * × the average consultation minutes of that day's DONE entries (`defaultMinutes` when none).
 */
export async function opdQueueStandingsByIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
  defaultMinutes: number,
): Promise<OpdQueueStandingRow[]> {
  return tx<OpdQueueStandingRow[]>`
    /* opdQueueStandingsByIds */
    with days as (
      select distinct department_id, queue_date from opd_queue
      where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
    ),
    ranked as (
      select q.id, q.status,
             row_number() over (partition by q.department_id, q.queue_date, q.status = 'WAITING'
                                order by q.priority_rank, q.token_number) as rank,
             count(*) filter (where q.status in ('CALLED', 'IN_CONSULTATION'))
               over (partition by q.department_id, q.queue_date) as in_service,
             avg(extract(epoch from q.completed_at - q.consultation_started_at) / 60)
               filter (where q.status = 'DONE' and q.completed_at is not null and q.consultation_started_at is not null)
               over (partition by q.department_id, q.queue_date) as average_minutes
      from days d
      join opd_queue q on q.organization_id = ${organizationId}::uuid and q.department_id = d.department_id
                      and q.queue_date = d.queue_date
    )
    select r.id as entry_id,
           case when r.status = 'WAITING' then r.rank::int end as position,
           case when r.status = 'WAITING'
                then ((r.rank - 1 + r.in_service) * greatest(1, round(coalesce(r.average_minutes, ${defaultMinutes}::int))))::int
           end as estimated_wait_minutes
    from ranked r
    where r.id = any(${ids as string[]}::uuid[])
  `;
}

/**
 * One page of a department's day-queue in serving order: (stage, priority_rank,
 * token_number), where stage is IN_CONSULTATION 0, CALLED 1, WAITING 2, DONE 3,
 * LEFT 4. Token numbers are unique per department and day, so the key is total.
 */
export async function opdQueuePage(
  tx: TransactionSql,
  organizationId: string,
  f: OpdQueueListFilter,
  page: PageRequest,
): Promise<OpdQueueListRow[]> {
  const [stage, rank, token] = (page.cursor ?? [null, null, null]) as [number | null, number | null, number | null];
  // Both scan directions in one statement (see scansDescending).
  const descending = scansDescending(page, 'asc');
  const rows = await tx<(OpdQueueRow & { stage: number | null; priorityRank: number | null })[]>`
    /* opdQueuePage */
    with matching as not materialized (
      select q.id, q.organization_id, q.department_id, q.queue_date, q.token_number, q.patient_id, q.appointment_id,
             q.priority, q.priority_rank, q.status, q.enqueued_at, q.called_at, q.called_by, q.consultation_started_at,
             q.completed_at, q.left_at, q.notes, q.created_at, q.updated_at, q.version,
             case q.status when 'IN_CONSULTATION' then 0 when 'CALLED' then 1 when 'WAITING' then 2 when 'DONE' then 3
                           else 4 end as stage
      from opd_queue q
      where q.organization_id = ${organizationId}::uuid and q.department_id = ${f.departmentId}::uuid
        and q.queue_date = coalesce(${f.date}::date,
                                    (select (now() at time zone o.timezone)::date from organizations o
                                     where o.id = ${organizationId}::uuid))
        and (${f.statuses}::text[] is null or q.status = any(${f.statuses}::text[]))
    )
    select * from matching
    where (${token}::int is null or case when ${descending}::boolean then (stage, priority_rank, token_number) < (${stage}::int, ${rank}::int, ${token}::int)
                                         else (stage, priority_rank, token_number) > (${stage}::int, ${rank}::int, ${token}::int) end)
    order by case when ${descending}::boolean then stage end desc,
             case when ${descending}::boolean then priority_rank end desc,
             case when ${descending}::boolean then token_number end desc,
             stage, priority_rank, token_number
    limit ${page.limit + 1}::int
    `;
  return rows as OpdQueueListRow[]; // stage and priority_rank are never null (SafeQL cannot tell)
}

export function countOpdQueue(tx: TransactionSql, organizationId: string, f: OpdQueueListFilter, limit: number | null): PendingQuery<{ count: number }[]> {
  return tx<{ count: number }[]>`
    /* countOpdQueue */
    select count(*)::int as count from (
      select 1 from opd_queue q
      where q.organization_id = ${organizationId}::uuid and q.department_id = ${f.departmentId}::uuid
        and q.queue_date = coalesce(${f.date}::date,
                                    (select (now() at time zone o.timezone)::date from organizations o
                                     where o.id = ${organizationId}::uuid))
        and (${f.statuses}::text[] is null or q.status = any(${f.statuses}::text[]))
      limit ${limit}::int
    ) matching
  `;
}

/**
 * The patient's entry still WAITING, CALLED or IN_CONSULTATION in the department's queue of `queueDate`
 * (null: today, organization time zone).
 */
export async function activeEntryToday(
  tx: TransactionSql,
  organizationId: string,
  departmentId: string,
  patientId: string,
  queueDate: string | null,
): Promise<{ id: string; tokenNumber: number } | null> {
  const rows = await tx<{ id: string; tokenNumber: number }[]>`
    /* activeEntryToday */
    select q.id, q.token_number from opd_queue q
    where q.organization_id = ${organizationId}::uuid and q.department_id = ${departmentId}::uuid
      and q.patient_id = ${patientId}::uuid and q.status in ('WAITING', 'CALLED', 'IN_CONSULTATION')
      and q.queue_date = coalesce(${queueDate}::date,
                                  (select (now() at time zone o.timezone)::date from organizations o where o.id = ${organizationId}::uuid))
    limit 1
  `;
  return rows[0] ?? null;
}

export interface NewQueueEntry {
  departmentId: string;
  patientId: string;
  appointmentId: string | null;
  priority: string;
  notes: string | null;
  /** The day-queue to join (a check-in: the appointment's day); null: today, organization time zone. */
  queueDate: string | null;
}

/**
 * Adds an entry to the queue of `e.queueDate` (default today, organization time zone) of the department
 * with the next token, in one statement. The token comes from the counter row
 * `opd_token:<department>:<date>`, advanced by an upsert whose row lock is held
 * until commit: concurrent check-ins queue on it and get consecutive numbers,
 * and a rolled-back one gives its number back. A queue without a counter row
 * (e.g. loaded by the seed) continues after its highest token.
 */
export async function insertQueueEntry(tx: TransactionSql, organizationId: string, e: NewQueueEntry): Promise<OpdQueueRow> {
  const rows = await tx<OpdQueueRow[]>`
    /* insertQueueEntry */
    with today as (
      select coalesce(${e.queueDate}::date, (now() at time zone o.timezone)::date) as day
      from organizations o where o.id = ${organizationId}::uuid
    ),
    token as (
      insert into tenant_counters (organization_id, name, value)
      select ${organizationId}::uuid, 'opd_token:' || ${e.departmentId}::uuid::text || ':' || to_char(t.day, 'YYYY-MM-DD'),
             (select coalesce(max(q.token_number), 0) + 1 from opd_queue q
              where q.organization_id = ${organizationId}::uuid and q.department_id = ${e.departmentId}::uuid
                and q.queue_date = t.day)
      from today t
      on conflict (organization_id, name) do update set value = greatest(tenant_counters.value, excluded.value - 1) + 1
      returning value
    )
    insert into opd_queue (organization_id, department_id, queue_date, token_number, patient_id, appointment_id,
                           priority, notes)
    select ${organizationId}::uuid, ${e.departmentId}::uuid, t.day, k.value::int, ${e.patientId}::uuid,
           ${e.appointmentId}::uuid, ${e.priority}, ${e.notes}
    from today t, token k
    returning id, organization_id, department_id, queue_date, token_number, patient_id, appointment_id, priority, status, enqueued_at, called_at, called_by, consultation_started_at, completed_at, left_at,
              notes, created_at, updated_at, version
  `;
  return rows[0]!;
}

/**
 * Calls the next WAITING entry of today's queue (priority, then token). The
 * candidate is locked with SKIP LOCKED, so concurrent callers each take a
 * different entry instead of waiting for, or double-calling, the same one.
 */
export async function callNextEntry(
  tx: TransactionSql,
  organizationId: string,
  departmentId: string,
  userId: string,
): Promise<OpdQueueRow | null> {
  const rows = await tx<OpdQueueRow[]>`
    /* callNextEntry */
    update opd_queue q set status = 'CALLED', called_at = now(), called_by = ${userId}::uuid, version = q.version + 1
    where q.organization_id = ${organizationId}::uuid and q.id = (
      select n.id from opd_queue n
      where n.organization_id = ${organizationId}::uuid and n.department_id = ${departmentId}::uuid
        and n.queue_date = (select (now() at time zone o.timezone)::date from organizations o
                            where o.id = ${organizationId}::uuid)
        and n.status = 'WAITING'
      order by n.priority_rank, n.token_number
      limit 1
      for update skip locked
    )
    returning q.id, q.organization_id, q.department_id, q.queue_date, q.token_number, q.patient_id, q.appointment_id,
              q.priority, q.status, q.enqueued_at, q.called_at, q.called_by, q.consultation_started_at,
              q.completed_at, q.left_at, q.notes, q.created_at, q.updated_at, q.version
  `;
  return rows[0] ?? null;
}

export function lockQueueEntry(tx: TransactionSql, organizationId: string, id: string): Promise<OpdQueueRow | null> {
  return lockedRow(tx, 'lockQueueEntry', opdQueueEntriesByIds(tx, organizationId, [id]));
}

/** The appointment's entry still WAITING or CALLED, locked. */
export async function lockWaitingEntryOfAppointment(
  tx: TransactionSql,
  organizationId: string,
  appointmentId: string,
): Promise<OpdQueueRow | null> {
  const rows = await tx<(OpdQueueRow & { appointmentId: string })[]>`
    /* lockWaitingEntryOfAppointment */
    select id, organization_id, department_id, queue_date, token_number, patient_id, appointment_id, priority, status, enqueued_at, called_at, called_by, consultation_started_at, completed_at, left_at,
           notes, created_at, updated_at, version
    from opd_queue
    where organization_id = ${organizationId}::uuid and appointment_id = ${appointmentId}::uuid
      and status in ('WAITING', 'CALLED')
    order by enqueued_at desc
    limit 1
    for update
  `;
  return rows[0] ?? null;
}

/** The patient's walk-in entries (no appointment) still WAITING or CALLED, on any day. */
export async function waitingWalkInEntryIdsOfPatient(tx: TransactionSql, organizationId: string, patientId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* waitingWalkInEntryIdsOfPatient */
    select id from opd_queue
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid and appointment_id is null
      and status in ('WAITING', 'CALLED')
    order by enqueued_at, id
  `;
  return rows.map((r) => r.id);
}

/**
 * Sets the status of a locked entry and stamps the matching time column
 * (consultation_started_at, completed_at, left_at) with now() in SQL.
 */
export async function updateQueueEntryStatus(
  tx: TransactionSql,
  e: Pick<OpdQueueRow, 'organizationId' | 'id' | 'version'>,
  status: string,
): Promise<OpdQueueRow> {
  const rows = await tx<OpdQueueRow[]>`
    /* updateQueueEntryStatus */
    update opd_queue set status = ${status},
           consultation_started_at = case when ${status} = 'IN_CONSULTATION' then now() else consultation_started_at end,
           completed_at = case when ${status} = 'DONE' then now() else completed_at end,
           left_at = case when ${status} = 'LEFT' then now() else left_at end,
           version = version + 1
    where organization_id = ${e.organizationId}::uuid and id = ${e.id}::uuid and version = ${e.version}::int
    returning id, organization_id, department_id, queue_date, token_number, patient_id, appointment_id, priority, status,
              enqueued_at, called_at, called_by, consultation_started_at, completed_at, left_at, notes, created_at,
              updated_at, version
  `;
  return rows[0]!;
}

/**
 * Announces a queue change on channel `opd_queue`. NOTIFY inside the writing
 * transaction is delivered to every listening API process only if and when the
 * transaction commits. The payload carries ids and the status only, never PHI.
 */
export async function notifyQueueChange(tx: TransactionSql, payload: string): Promise<void> {
  await tx<{ notified: unknown | null }[]>`
    /* notifyQueueChange */
    select pg_notify('opd_queue', ${payload}::text) as notified
  `;
}

/** `Query.opdQueue`: one department's board of one day (a cursor is that board's). */
export const opdQueueList = pagedList((f) => `opdQueue:${f.departmentId}:${f.date ?? 'today'}:${f.statuses?.join(',') ?? '*'}`, opdQueuePage, countOpdQueue, (e) => [e.stage, e.priorityRank, e.tokenNumber], (e) => e.patientId);
