import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, fromDatabaseError, type DomainError } from '../kernel/errors.js';
import { toGlobalId } from '../kernel/global-id.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import * as appointments from './appointment-repository.js';
import { assertAppointmentTransition, assertCheckInDue, assertNoShowDue, assertReschedulable, assertSlot } from './appointment-rules.js';
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

const OVERLAP_CONSTRAINT = 'appointments_no_provider_overlap';

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

/**
 * Writes a slot the provider must be free for. The overlap is looked up first
 * (the usual case, with a precise message); the exclusion constraint still
 * decides races. Its violation aborts only the savepoint, so the clashing
 * appointment, committed by then, can be read and named.
 */
async function withinFreeSlot<T>(
  tx: TransactionSql,
  organizationId: string,
  slot: { providerId: string; start: Date; end: Date; exceptId: string | null },
  write: (sp: TransactionSql) => Promise<T>,
): Promise<T> {
  const clash = await appointments.providerClash(tx, organizationId, slot.providerId, slot.start, slot.end, slot.exceptId);
  if (clash) throw clashConflict(clash);
  try {
    return (await tx.savepoint((sp) => write(sp))) as T;
  } catch (error) {
    if ((error as { constraint_name?: string }).constraint_name !== OVERLAP_CONSTRAINT) {
      throw fromDatabaseError(error, REFERENCES);
    }
    const winner = await appointments.providerClash(tx, organizationId, slot.providerId, slot.start, slot.end, slot.exceptId);
    throw winner ? clashConflict(winner) : conflict('The provider was booked for an overlapping time meanwhile; retry', { field: 'startsAt' });
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
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    await requireSchedulablePatient(tx, org, values.patientId);
    await requireActiveProvider(tx, org, values.providerId);
    if (values.departmentId) await requireActiveDepartment(tx, org, values.departmentId);
    const appointment = await withinFreeSlot(
      tx,
      org,
      { providerId: values.providerId, start: values.start, end: values.end, exceptId: null },
      (sp) => appointments.insertAppointment(sp, org, values),
    );
    audit({ action: 'appointment.book', entityType: 'appointment', entityId: appointment.id, after: appointment });
    return appointment;
  });
}

async function lockAtVersion(tx: TransactionSql, organizationId: string, id: string, version: number) {
  return atVersion(await appointments.lockAppointment(tx, organizationId, id), version, 'Appointment', id);
}

export async function rescheduleAppointment(
  ctx: TenantContext,
  input: { id: string; version: number; startsAt: Date; endsAt: Date; providerId: string | null },
): Promise<appointments.AppointmentRow> {
  assertSlot(input.startsAt, input.endsAt);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await lockAtVersion(tx, org, input.id, input.version);
    assertReschedulable(before.status);
    const providerId = input.providerId ?? before.providerId;
    if (providerId !== before.providerId) await requireActiveProvider(tx, org, providerId);
    const next = { ...before, providerId, scheduledDatetime: input.startsAt, scheduledEndDatetime: input.endsAt };
    const after = await withinFreeSlot(
      tx,
      org,
      { providerId, start: input.startsAt, end: input.endsAt, exceptId: before.id },
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
 * SCHEDULED → CHECKED_IN and a new entry with the next token in today's queue
 * of the appointment's department, in one transaction.
 */
export async function checkInAppointment(
  ctx: TenantContext,
  input: { id: string; version: number; priority: string; departmentId: string | null },
): Promise<{ appointment: appointments.AppointmentRow; queueEntry: OpdQueueRow }> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await lockAtVersion(tx, org, input.id, input.version);
    assertAppointmentTransition(before.status, 'CHECKED_IN');
    assertCheckInDue(before.scheduledDatetime);
    const departmentId = input.departmentId ?? before.departmentId;
    if (!departmentId) throw badInput('The appointment has no department: pass departmentId to choose the queue', 'departmentId');
    const appointment = await moveAppointment(tx, before, 'CHECKED_IN', audit);
    const queueEntry = await enqueue(tx, org, audit, {
      departmentId,
      patientId: before.patientId,
      appointmentId: before.id,
      priority: input.priority,
      notes: null,
    });
    return { appointment, queueEntry };
  });
}
