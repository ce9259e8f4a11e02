import { changedFields, type AuditAction, type AuditEntry } from '../kernel/audit.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import * as appointments from './appointment-repository.js';
import { assertAppointmentTransition, type AppointmentStatus } from './appointment-rules.js';

const ACTIONS: Record<AppointmentStatus, AuditAction> = {
  SCHEDULED: 'appointment.schedule',
  CHECKED_IN: 'appointment.check_in',
  IN_PROGRESS: 'appointment.start',
  COMPLETED: 'appointment.complete',
  CANCELLED: 'appointment.cancel',
  NO_SHOW: 'appointment.no_show',
};

/**
 * Moves a locked appointment to `to` (checked against the life cycle in
 * appointment-rules), stamps the matching time column and queues the audit row.
 * Used by the appointment mutations and by the queue mutations that drive a
 * checked-in appointment (consultation started → IN_PROGRESS, done → COMPLETED).
 */
export async function moveAppointment(
  tx: TransactionSql,
  before: appointments.AppointmentRow,
  to: AppointmentStatus,
  audit: (entry: AuditEntry) => void,
  cancellationReason: string | null = null,
): Promise<appointments.AppointmentRow> {
  assertAppointmentTransition(before.status, to);
  const after = await appointments.updateAppointmentStatus(tx, before, to, to === 'CANCELLED' ? cancellationReason : null);
  audit({ action: ACTIONS[to], entityType: 'appointment', entityId: before.id, ...changedFields(before, after) });
  return after;
}
