import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { childList } from '../kernel/keyset.js';
import { lockedRow } from '../kernel/row-lock.js';
import { keysetList } from '../kernel/root-list.js';
import { patientOfRecord } from '../kernel/table-rows.js';

/** One row of `appointments`. */
export interface AppointmentRow {
  id: string;
  organizationId: string;
  patientId: string;
  providerId: string;
  departmentId: string | null;
  scheduledDatetime: Date;
  scheduledEndDatetime: Date;
  appointmentType: string;
  status: string;
  reason: string | null;
  notes: string | null;
  cancellationReason: string | null;
  cancelledAt: Date | null;
  checkedInAt: Date | null;
  /** Booked with allowPatientOverlap: exempt from the patient's no-overlap constraint. */
  patientOverlapAllowed: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `scheduled_datetime` with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

export interface AppointmentListFilter {
  from: Date | null;
  to: Date | null;
  providerId: string | null;
  departmentId: string | null;
  patientId: string | null;
  statuses: string[] | null;
}

/** The provider's appointment that occupies part of a time range. */
export interface ClashRow {
  id: string;
  scheduledDatetime: Date;
  scheduledEndDatetime: Date;
}

export function appointmentsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<AppointmentRow[]> {
  return tx<AppointmentRow[]>`
    /* appointmentsByIds */
    select id, organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime,
           appointment_type, status, reason, notes, cancellation_reason, cancelled_at, checked_in_at, patient_overlap_allowed, created_at,
           updated_at, version,
           cursor_timestamp(scheduled_datetime)::text as sort_key
    from appointments
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/**
 * Appointments matching the organization-wide list's filter: `appointmentList` pages them by start time, keyset on
 * (scheduled_datetime, id), and counts them. With no provider/patient/department filter a page is an ordered range scan of
 * `appointments_org_scheduled_idx` from the cursor, stopping after `limit + 1` rows.
 */
function matchingAppointments(tx: TransactionSql, organizationId: string, f: AppointmentListFilter): PendingQuery<AppointmentRow[]> {
  return tx<AppointmentRow[]>`
    /* matchingAppointments */
    select a.id, a.organization_id, a.patient_id, a.provider_id, a.department_id, a.scheduled_datetime,
           a.scheduled_end_datetime, a.appointment_type, a.status, a.reason, a.notes, a.cancellation_reason,
           a.cancelled_at, a.checked_in_at, a.patient_overlap_allowed, a.created_at, a.updated_at, a.version,
           cursor_timestamp(a.scheduled_datetime)::text as sort_key
    from appointments a
    where a.organization_id = ${organizationId}::uuid and a.deleted_at is null
      and (${f.from}::timestamptz is null or a.scheduled_datetime >= ${f.from}::timestamptz)
      and (${f.to}::timestamptz is null or a.scheduled_datetime < ${f.to}::timestamptz)
      and (${f.providerId}::uuid is null or a.provider_id = ${f.providerId}::uuid)
      and (${f.departmentId}::uuid is null or a.department_id = ${f.departmentId}::uuid)
      and (${f.patientId}::uuid is null or a.patient_id = ${f.patientId}::uuid)
      and (${f.statuses}::text[] is null or a.status = any(${f.statuses}::text[]))
  `;
}

/** The organization's live appointments in `statuses` (null: any) from `from` on: what `Patient.appointments` pages and counts. */
function liveAppointments(tx: TransactionSql, organizationId: string, { statuses, from }: { statuses: string[] | null; from: Date | null }): PendingQuery<AppointmentRow[]> {
  return tx<AppointmentRow[]>`
    /* liveAppointments */
    select a.id, a.organization_id, a.patient_id, a.provider_id, a.department_id, a.scheduled_datetime,
           a.scheduled_end_datetime, a.appointment_type, a.status, a.reason, a.notes, a.cancellation_reason,
           a.cancelled_at, a.checked_in_at, a.patient_overlap_allowed, a.created_at, a.updated_at, a.version,
           cursor_timestamp(a.scheduled_datetime)::text as sort_key
    from appointments a
    where a.organization_id = ${organizationId}::uuid
      and a.deleted_at is null and (${statuses}::text[] is null or a.status = any(${statuses}::text[]))
      and (${from}::timestamptz is null or a.scheduled_datetime >= ${from}::timestamptz)
  `;
}

/** `Patient.appointments(status:, from:)`: by start time. */
export const appointmentsOfPatients = childList(liveAppointments, 'patient_id', { column: 'scheduled_datetime', type: 'timestamptz', order: 'asc' });

/**
 * The provider's first live appointment (not CANCELLED/NO_SHOW, not deleted)
 * overlapping [start, end), other than `exceptId`: the same condition as the
 * exclusion constraint `appointments_no_provider_overlap`.
 */
export async function providerClash(
  tx: TransactionSql,
  organizationId: string,
  providerId: string,
  start: Date,
  end: Date,
  exceptId: string | null,
): Promise<ClashRow | null> {
  const rows = await tx<ClashRow[]>`
    /* providerClash */
    select id, scheduled_datetime, scheduled_end_datetime from appointments
    where organization_id = ${organizationId}::uuid and provider_id = ${providerId}::uuid
      and status not in ('CANCELLED', 'NO_SHOW') and deleted_at is null
      and tstzrange(scheduled_datetime, scheduled_end_datetime, '[)') && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
      and (${exceptId}::uuid is null or id <> ${exceptId}::uuid)
    order by scheduled_datetime, id
    limit 1
  `;
  return rows[0] ?? null;
}

/**
 * The patient's first live appointment overlapping [start, end), other than `exceptId`, that is not exempt: the
 * same condition as the exclusion constraint `appointments_no_patient_overlap`.
 */
export async function patientClash(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  start: Date,
  end: Date,
  exceptId: string | null,
): Promise<ClashRow | null> {
  const rows = await tx<ClashRow[]>`
    /* patientClash */
    select id, scheduled_datetime, scheduled_end_datetime from appointments
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid
      and status not in ('CANCELLED', 'NO_SHOW') and deleted_at is null and not patient_overlap_allowed
      and tstzrange(scheduled_datetime, scheduled_end_datetime, '[)') && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
      and (${exceptId}::uuid is null or id <> ${exceptId}::uuid)
    order by scheduled_datetime, id
    limit 1
  `;
  return rows[0] ?? null;
}

/** The appointment's day and today, both on the organization's calendar (its time zone): the check-in rule. */
export async function appointmentDayAndToday(
  tx: TransactionSql,
  organizationId: string,
  id: string,
): Promise<{ appointmentDay: string | null; today: string | null } | null> {
  const rows = await tx<{ appointmentDay: string | null; today: string | null }[]>`
    /* appointmentDayAndToday */
    select ((a.scheduled_datetime at time zone o.timezone)::date)::text as appointment_day,
           ((now() at time zone o.timezone)::date)::text as today
    from appointments a
    join organizations o on o.id = a.organization_id
    where a.organization_id = ${organizationId}::uuid and a.id = ${id}::uuid and a.deleted_at is null
  `;
  return rows[0] ?? null;
}

export interface NewAppointment {
  patientId: string;
  providerId: string;
  departmentId: string | null;
  start: Date;
  end: Date;
  appointmentType: string;
  reason: string | null;
  notes: string | null;
  patientOverlapAllowed: boolean;
}

export async function insertAppointment(tx: TransactionSql, organizationId: string, a: NewAppointment): Promise<AppointmentRow> {
  const rows = await tx<AppointmentRow[]>`
    /* insertAppointment */
    insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime,
                              scheduled_end_datetime, appointment_type, reason, notes, patient_overlap_allowed)
    values (${organizationId}::uuid, ${a.patientId}::uuid, ${a.providerId}::uuid, ${a.departmentId}::uuid,
            ${a.start}::timestamptz, ${a.end}::timestamptz, ${a.appointmentType}, ${a.reason}, ${a.notes},
            ${a.patientOverlapAllowed}::boolean)
    returning id, organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime,
              appointment_type, status, reason, notes, cancellation_reason, cancelled_at, checked_in_at, patient_overlap_allowed, created_at,
              updated_at, version,
              cursor_timestamp(scheduled_datetime)::text as sort_key
  `;
  return rows[0]!;
}

/** The patient of a live appointment of the organization, or null. */
export const appointmentPatientId = patientOfRecord(appointmentsByIds);

/**
 * The patient's appointments still to happen (SCHEDULED or CHECKED_IN) that end after `endingAfter`, in time
 * order: what a recorded death or a deleted registration cancels.
 */
export async function liveAppointmentIdsOfPatient(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  endingAfter: Date,
): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* liveAppointmentIdsOfPatient */
    select id from appointments
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid and deleted_at is null
      and status in ('SCHEDULED', 'CHECKED_IN') and scheduled_end_datetime > ${endingAfter}::timestamptz
    order by scheduled_datetime, id
  `;
  return rows.map((r) => r.id);
}

export function lockAppointment(tx: TransactionSql, organizationId: string, id: string): Promise<AppointmentRow | null> {
  return lockedRow(tx, 'lockAppointment', appointmentsByIds(tx, organizationId, [id]));
}

/** Moves a locked appointment to another time (and provider); bumps its version. */
export async function rescheduleAppointmentRow(
  tx: TransactionSql,
  a: Pick<
    AppointmentRow,
    'organizationId' | 'id' | 'version' | 'providerId' | 'scheduledDatetime' | 'scheduledEndDatetime' | 'patientOverlapAllowed'
  >,
): Promise<AppointmentRow> {
  const rows = await tx<AppointmentRow[]>`
    /* rescheduleAppointmentRow */
    update appointments set provider_id = ${a.providerId}::uuid, scheduled_datetime = ${a.scheduledDatetime}::timestamptz,
           scheduled_end_datetime = ${a.scheduledEndDatetime}::timestamptz,
           patient_overlap_allowed = ${a.patientOverlapAllowed}::boolean, version = version + 1
    where organization_id = ${a.organizationId}::uuid and id = ${a.id}::uuid and version = ${a.version}::int
    returning id, organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime,
              appointment_type, status, reason, notes, cancellation_reason, cancelled_at, checked_in_at, patient_overlap_allowed, created_at,
              updated_at, version,
              cursor_timestamp(scheduled_datetime)::text as sort_key
  `;
  return rows[0]!;
}

/**
 * Sets the status of a locked appointment, stamping checked_in_at or
 * cancelled_at in SQL; every other column (the µs-precise times above all) is
 * left as stored, never round-tripped through a JavaScript Date.
 */
export async function updateAppointmentStatus(
  tx: TransactionSql,
  a: Pick<AppointmentRow, 'organizationId' | 'id' | 'version'>,
  status: string,
  cancellationReason: string | null,
): Promise<AppointmentRow> {
  const rows = await tx<AppointmentRow[]>`
    /* updateAppointmentStatus */
    update appointments set status = ${status},
           checked_in_at = case when ${status} = 'CHECKED_IN' then now() else checked_in_at end,
           cancelled_at = case when ${status} = 'CANCELLED' then now() else cancelled_at end,
           cancellation_reason = case when ${status} = 'CANCELLED' then ${cancellationReason} else cancellation_reason end,
           version = version + 1
    where organization_id = ${a.organizationId}::uuid and id = ${a.id}::uuid and version = ${a.version}::int
    returning id, organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime,
              appointment_type, status, reason, notes, cancellation_reason, cancelled_at, checked_in_at, patient_overlap_allowed, created_at,
              updated_at, version,
              cursor_timestamp(scheduled_datetime)::text as sort_key
  `;
  return rows[0]!;
}

/** `Query.appointments`: by start time. */
export const appointmentList = keysetList('appointments:startsAt', matchingAppointments, { column: 'scheduled_datetime', type: 'timestamptz', order: 'asc' }, (a) => [a.sortKey, a.id], { patientsOf: (a) => a.patientId });
