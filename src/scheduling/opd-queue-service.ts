import type { TenantContext } from '../context.js';
import { changedFields, type AuditAction, type AuditEntry } from '../kernel/audit.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { optionalText } from '../kernel/validation.js';
import { lockAppointment } from './appointment-repository.js';
import { canTransition, type AppointmentStatus } from './appointment-rules.js';
import { moveAppointment } from './appointment-transitions.js';
import { departmentsByIds } from './department-repository.js';
import * as queue from './opd-queue-repository.js';
import { assertQueueTransition, EVENT_OF, type OpdQueueStatus } from './opd-queue-rules.js';
import { publishQueueChange } from './queue-events.js';
import { requireQueueDepartment, requireSchedulablePatient } from './references.js';

const REFERENCES = {
  opd_queue_organization_id_department_id_fkey: () => badInput('departmentId is not a department of your organization', 'departmentId'),
  opd_queue_organization_id_patient_id_fkey: () => badInput('patientId is not a patient of your organization', 'patientId'),
  opd_queue_organization_id_patient_id_appointment_id_fkey: () =>
    badInput('The appointment is not one of this patient', 'appointmentId'),
  opd_queue_token_unique: () => conflict('Another entry took this token number at the same time; retry'),
};

const ACTIONS: Record<OpdQueueStatus, AuditAction> = {
  WAITING: 'opd_queue.enqueue',
  CALLED: 'opd_queue.call',
  IN_CONSULTATION: 'opd_queue.start_consultation',
  DONE: 'opd_queue.complete',
  LEFT: 'opd_queue.leave',
};

/** What a queue entry's move does to its checked-in appointment. */
const APPOINTMENT_FOLLOWS: Partial<Record<OpdQueueStatus, AppointmentStatus>> = {
  IN_CONSULTATION: 'IN_PROGRESS',
  DONE: 'COMPLETED',
  LEFT: 'CANCELLED',
};

const announce = (tx: TransactionSql, e: queue.OpdQueueRow) =>
  publishQueueChange(tx, {
    organizationId: e.organizationId,
    departmentId: e.departmentId,
    kind: EVENT_OF[e.status as OpdQueueStatus],
    entryId: e.id,
    status: e.status,
    queueDate: e.queueDate,
  });

/**
 * Adds the patient to the department's queue of `entry.queueDate` (a check-in:
 * the appointment's day; a walk-in: today) with the next token, inside the
 * caller's transaction, and announces it on commit. The patient must be alive
 * and the department one that runs a queue (a clinical one).
 */
export async function enqueue(
  tx: TransactionSql,
  organizationId: string,
  audit: (entry: AuditEntry) => void,
  entry: queue.NewQueueEntry,
): Promise<queue.OpdQueueRow> {
  await requireSchedulablePatient(tx, organizationId, entry.patientId);
  await requireQueueDepartment(tx, organizationId, entry.departmentId);
  const present = await queue.activeEntryToday(tx, organizationId, entry.departmentId, entry.patientId, entry.queueDate);
  if (present) {
    throw conflict(`The patient is already in today's queue of this department with token ${present.tokenNumber}`, {
      field: 'patientId',
      tokenNumber: present.tokenNumber,
    });
  }
  const row = await queue
    .insertQueueEntry(tx, organizationId, entry)
    .catch((e: unknown) => Promise.reject(fromDatabaseError(e, REFERENCES)));
  audit({ action: ACTIONS.WAITING, entityType: 'opd_queue_entry', entityId: row.id, after: row });
  await announce(tx, row);
  return row;
}

/** Moves a locked entry along its life cycle, stamping the matching time column; audited and announced. */
async function moveEntry(
  tx: TransactionSql,
  before: queue.OpdQueueRow,
  to: OpdQueueStatus,
  audit: (entry: AuditEntry) => void,
): Promise<queue.OpdQueueRow> {
  assertQueueTransition(before.status, to);
  const after = await queue.updateQueueEntryStatus(tx, before, to);
  audit({ action: ACTIONS[to], entityType: 'opd_queue_entry', entityId: before.id, ...changedFields(before, after) });
  await announce(tx, after);
  return after;
}

/** A locked WAITING or CALLED entry → LEFT (its appointment is handled by the caller). */
export const leaveQueue = (tx: TransactionSql, entry: queue.OpdQueueRow, audit: (entry: AuditEntry) => void) =>
  moveEntry(tx, entry, 'LEFT', audit);

export async function enqueueWalkIn(
  ctx: TenantContext,
  input: { departmentId: string; patientId: string; priority: string; notes?: string | null },
): Promise<queue.OpdQueueRow> {
  const notes = optionalText(input.notes, 'notes', 2000) ?? null;
  return ctx.session.write(({ tx, scope, audit }) =>
    enqueue(tx, scope.organizationId, audit, {
      departmentId: input.departmentId,
      patientId: input.patientId,
      appointmentId: null,
      priority: input.priority,
      notes,
      queueDate: null,
    }),
  );
}

/**
 * WAITING → CALLED for the first waiting entry of today's queue, atomically:
 * concurrent callers skip entries another caller has locked. Null when nobody waits.
 */
export async function callNextPatient(ctx: TenantContext, departmentId: string): Promise<queue.OpdQueueRow | null> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const [department] = await departmentsByIds(tx, scope.organizationId, [departmentId]);
    if (!department) throw notFound('Department', departmentId);
    const called = await queue.callNextEntry(tx, scope.organizationId, departmentId, ctx.viewer.userId);
    if (!called) return null;
    audit({
      action: ACTIONS.CALLED,
      entityType: 'opd_queue_entry',
      entityId: called.id,
      before: { status: 'WAITING' },
      after: { status: called.status, calledBy: called.calledBy, calledAt: called.calledAt },
    });
    await announce(tx, called);
    return called;
  });
}

/**
 * CALLED → IN_CONSULTATION → DONE, or WAITING/CALLED → LEFT. A checked-in
 * appointment follows in the same transaction (IN_PROGRESS, COMPLETED, CANCELLED).
 */
export async function transitionQueueEntry(
  ctx: TenantContext,
  id: string,
  version: number | null,
  to: Exclude<OpdQueueStatus, 'WAITING' | 'CALLED'>,
): Promise<queue.OpdQueueRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await queue.lockQueueEntry(tx, org, id);
    if (!before) throw notFound('OpdQueueEntry', id);
    if (version !== null && before.version !== version) {
      throw conflict(`The queue entry was changed by someone else (now version ${before.version}, you sent ${version}); reload and retry`, {
        currentVersion: before.version,
      });
    }
    const after = await moveEntry(tx, before, to, audit);
    const follows = APPOINTMENT_FOLLOWS[to];
    if (before.appointmentId && follows) {
      const appointment = await lockAppointment(tx, org, before.appointmentId);
      if (appointment && canTransition(appointment.status, follows)) {
        await moveAppointment(tx, appointment, follows, audit, follows === 'CANCELLED' ? 'Left the OPD queue before being seen' : null);
      }
    }
    return after;
  });
}
