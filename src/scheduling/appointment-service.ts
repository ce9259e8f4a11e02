import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, fromDatabaseError, type DomainError } from '../kernel/errors.js';
import { toGlobalId } from '../kernel/global-id.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import * as appointments from './appointment-repository.js';
import { assertAppointmentTransition, assertCheckInDay, assertNoShowDue, assertReschedulable, assertSlot } from './appointment-rules.js';
import { moveAppointment } from './appointment-transitions.js';
import { requireActiveDepartment, requireActiveProvider, requireSchedulablePatient } from './references.js';
import { enqueue, leaveQueue } from './opd-queue-service.js';
import type { OpdQueueRow } from './opd-queue-repository.js';
import * as queue from './opd-queue-repository.js';

/** Foreign-key and check failures of appointment writes, as messages that name the input. */
const REFERENCES = {
  appointments_organization_id_patient_id_fkey: () => badInput('patientId is not a patient of your organization', 'patientId'),
  appointments_organization_id_provider_id_fkey: () => badInput('providerId is not a user of your organization', 'providerId'),
  appointments_organization_id_department_id_fkey: () =>
    badInput('departmentId is not a department of your organization', 'departmentId'),
  appointments_end_after_start: () => badInput('endsAt must be after startsAt', 'endsAt'),
};

const PROVIDER_OVERLAP = 'appointments_no_provider_overlap';
const PATIENT_OVERLAP = 'appointments_no_patient_overlap';

const iso = (d: Date) => d.toISOString();

/** CONFLICT naming the provider's appointment that is in the way. */
function clashConflict(clash: appointments.ClashRow): DomainError {
  return conflict(
    `The provider already has an appointment from ${iso(clash.scheduledDatetime)} to ${iso(clash.scheduledEndDatetime)}; ` +
      'choose a time that does not overlap it',
    {
      field: 'startsAt',
      conflictingAppointmentId: toGlobalId('Appointment', clash.id),
      conflictingStartsAt: iso(clash.scheduledDatetime),
      conflictingEndsAt: iso(clash.scheduledEndDatetime),
    },
  );
}

/** CONFLICT naming the patient's own appointment that is in the way (with whichever provider). */
function patientClashConflict(clash: appointments.ClashRow): DomainError {
  return conflict(
    `The patient already has an appointment from ${iso(clash.scheduledDatetime)} to ${iso(clash.scheduledEndDatetime)}; ` +
      'choose a time that does not overlap it, or pass allowPatientOverlap: true if both are meant to happen together',
    {
      field: 'startsAt',
      reason: 'PATIENT_OVERLAP',
      conflictingAppointmentId: toGlobalId('Appointment', clash.id),
      conflictingStartsAt: iso(clash.scheduledDatetime),
      conflictingEndsAt: iso(clash.scheduledEndDatetime),
    },
  );
}

interface Slot {
  providerId: string;
  patientId: string;
  start: Date;
  end: Date;
  exceptId: string | null;
  /** The booking said the patient may have another appointment at the same time. */
  patientOverlapAllowed: boolean;
}

const providerClashOf = (tx: TransactionSql, org: string, s: Slot) => appointments.providerClash(tx, org, s.providerId, s.start, s.end, s.exceptId);
const patientClashOf = (tx: TransactionSql, org: string, s: Slot) =>
  s.patientOverlapAllowed ? Promise.resolve(null) : appointments.patientClash(tx, org, s.patientId, s.start, s.end, s.exceptId);

/**
 * Writes a slot the provider, and the patient, must be free for. The overlaps
 * are looked up first (the usual case, with a precise message); the exclusion
 * constraints still decide races. A violation aborts only the savepoint, so the
 * clashing appointment, committed by then, can be read and named.
 */
async function withinFreeSlot<T>(
  tx: TransactionSql,
  organizationId: string,
  slot: Slot,
  write: (sp: TransactionSql) => Promise<T>,
): Promise<T> {
  const clash = await providerClashOf(tx, organizationId, slot);
  if (clash) throw clashConflict(clash);
  const own = await patientClashOf(tx, organizationId, slot);
  if (own) throw patientClashConflict(own);
  try {
    return (await tx.savepoint((sp) => write(sp))) as T;
  } catch (error) {
    const constraint = (error as { constraint_name?: string }).constraint_name;
    if (constraint === PROVIDER_OVERLAP) {
      const winner = await providerClashOf(tx, organizationId, slot);
      throw winner ? clashConflict(winner) : conflict('The provider was booked for an overlapping time meanwhile; retry', { field: 'startsAt' });
    }
    if (constraint === PATIENT_OVERLAP) {
      const winner = await patientClashOf(tx, organizationId, slot);
      throw winner ? patientClashConflict(winner) : conflict('The patient was booked for an overlapping time meanwhile; retry', { field: 'startsAt' });
    }
    throw fromDatabaseError(error, REFERENCES);
  }
}

export async function bookAppointment(
  ctx: TenantContext,
  input: {
    patientId: string;
    providerId: string;
    departmentId: string | null;
    startsAt: Date;
    endsAt: Date;
    appointmentType: string;
    reason?: string | null;
    notes?: string | null;
    allowPatientOverlap?: boolean | null;
  },
): Promise<appointments.AppointmentRow> {
  assertSlot(input.startsAt, input.endsAt);
  const values: appointments.NewAppointment = {
    patientId: input.patientId,
    providerId: input.providerId,
    departmentId: input.departmentId,
    start: input.startsAt,
    end: input.endsAt,
    appointmentType: input.appointmentType,
    reason: optionalText(input.reason, 'reason', 2000) ?? null,
    notes: optionalText(input.notes, 'notes', 5000) ?? null,
    patientOverlapAllowed: input.allowPatientOverlap ?? false,
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    await requireSchedulablePatient(tx, org, values.patientId);
    await requireActiveProvider(tx, org, values.providerId);
    if (values.departmentId) await requireActiveDepartment(tx, org, values.departmentId);
    const appointment = await withinFreeSlot(
      tx,
      org,
      { ...values, exceptId: null },
      (sp) => appointments.insertAppointment(sp, org, values),
    );
    audit({ action: 'appointment.book', entityType: 'appointment', entityId: appointment.id, after: appointment });
    return appointment;
  });
}

async function lockAtVersion(tx: TransactionSql, organizationId: string, id: string, version: number) {
  return atVersion(await appointments.lockAppointment(tx, organizationId, id), version, 'Appointment', id);
}

/**
 * For a change that puts the patient (back) into the schedule: the patient is locked and must be alive, then
 * the appointment is locked — patient before appointment, the order recording a death takes them in.
 */
async function lockWithLivingPatient(tx: TransactionSql, organizationId: string, id: string, version: number) {
  const patientId = await appointments.appointmentPatientId(tx, organizationId, id);
  if (patientId) await requireSchedulablePatient(tx, organizationId, patientId);
  return lockAtVersion(tx, organizationId, id, version);
}

export async function rescheduleAppointment(
  ctx: TenantContext,
  input: {
    id: string;
    version: number;
    startsAt: Date;
    endsAt: Date;
    providerId: string | null;
    allowPatientOverlap?: boolean | null;
  },
): Promise<appointments.AppointmentRow> {
  assertSlot(input.startsAt, input.endsAt);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await lockWithLivingPatient(tx, org, input.id, input.version);
    assertReschedulable(before.status);
    const providerId = input.providerId ?? before.providerId;
    if (providerId !== before.providerId) await requireActiveProvider(tx, org, providerId);
    const patientOverlapAllowed = input.allowPatientOverlap ?? before.patientOverlapAllowed;
    const next = { ...before, providerId, patientOverlapAllowed, scheduledDatetime: input.startsAt, scheduledEndDatetime: input.endsAt };
    const after = await withinFreeSlot(
      tx,
      org,
      { providerId, patientId: before.patientId, start: input.startsAt, end: input.endsAt, exceptId: before.id, patientOverlapAllowed },
      (sp) => appointments.rescheduleAppointmentRow(sp, next),
    );
    audit({ action: 'appointment.reschedule', entityType: 'appointment', entityId: before.id, ...changedFields(before, after) });
    return after;
  });
}

/** SCHEDULED or CHECKED_IN → CANCELLED; a checked-in patient's WAITING or CALLED queue entry becomes LEFT. */
export async function cancelAppointment(
  ctx: TenantContext,
  input: { id: string; version: number; reason: string },
): Promise<appointments.AppointmentRow> {
  const reason = requiredText(input.reason, 'reason', 1000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    // Entry before appointment: the order the queue mutations lock them in, so the two never deadlock.
    const entry = await queue.lockWaitingEntryOfAppointment(tx, org, input.id);
    const before = await lockAtVersion(tx, org, input.id, input.version);
    const after = await moveAppointment(tx, before, 'CANCELLED', audit, reason);
    if (entry && before.status === 'CHECKED_IN') await leaveQueue(tx, entry, audit);
    return after;
  });
}

export async function markNoShow(ctx: TenantContext, input: { id: string; version: number }): Promise<appointments.AppointmentRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await lockAtVersion(tx, scope.organizationId, input.id, input.version);
    assertAppointmentTransition(before.status, 'NO_SHOW');
    assertNoShowDue(before.scheduledDatetime);
    return moveAppointment(tx, before, 'NO_SHOW', audit);
  });
}

/**
 * SCHEDULED → CHECKED_IN and a new entry with the next token in the queue of
 * the appointment's department on the appointment's own day (organization
 * calendar), in one transaction; only on that day (appointment-rules).
 */
export async function checkInAppointment(
  ctx: TenantContext,
  input: { id: string; version: number; priority: string; departmentId: string | null },
): Promise<{ appointment: appointments.AppointmentRow; queueEntry: OpdQueueRow }> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await lockWithLivingPatient(tx, org, input.id, input.version);
    assertAppointmentTransition(before.status, 'CHECKED_IN');
    const days = await appointments.appointmentDayAndToday(tx, org, before.id);
    const appointmentDay = days?.appointmentDay ?? '';
    assertCheckInDay(appointmentDay, days?.today ?? '');
    const departmentId = input.departmentId ?? before.departmentId;
    if (!departmentId) throw badInput('The appointment has no department: pass departmentId to choose the queue', 'departmentId');
    const appointment = await moveAppointment(tx, before, 'CHECKED_IN', audit);
    const queueEntry = await enqueue(tx, org, audit, {
      departmentId,
      patientId: before.patientId,
      appointmentId: before.id,
      priority: input.priority,
      notes: null,
      queueDate: appointmentDay,
    });
    return { appointment, queueEntry };
  });
}
