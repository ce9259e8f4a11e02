import type { AuditEntry } from '../kernel/audit.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import * as appointments from './appointment-repository.js';
import { canTransition } from './appointment-rules.js';
import { moveAppointment } from './appointment-transitions.js';
import { leaveQueue } from './opd-queue-service.js';
import * as queue from './opd-queue-repository.js';

/**
 * Ends a patient's place in the schedule, inside the caller's transaction (recording a death, deleting a
 * registration): every SCHEDULED or CHECKED_IN appointment ending after `endingAfter` becomes CANCELLED with
 * `reason` (a checked-in one's queue entry LEFT), and walk-in entries still waiting leave their queue. Each
 * change is audited like the matching mutation. The provider's time is free again at once. Locks are taken in
 * the order cancelAppointment takes them (queue entry, then appointment), after the caller's patient lock.
 */
export async function cancelScheduleOfPatient(
  tx: TransactionSql,
  organizationId: string,
  audit: (entry: AuditEntry) => void,
  target: { patientId: string; endingAfter: Date; reason: string },
): Promise<{ cancelledAppointmentIds: string[] }> {
  const cancelledAppointmentIds: string[] = [];
  for (const id of await appointments.liveAppointmentIdsOfPatient(tx, organizationId, target.patientId, target.endingAfter)) {
    const entry = await queue.lockWaitingEntryOfAppointment(tx, organizationId, id);
    const before = await appointments.lockAppointment(tx, organizationId, id);
    if (!before || !canTransition(before.status, 'CANCELLED')) continue;
    await moveAppointment(tx, before, 'CANCELLED', audit, target.reason);
    if (entry && before.status === 'CHECKED_IN') await leaveQueue(tx, entry, audit);
    cancelledAppointmentIds.push(id);
  }
  for (const id of await queue.waitingWalkInEntryIdsOfPatient(tx, organizationId, target.patientId)) {
    const entry = await queue.lockQueueEntry(tx, organizationId, id);
    if (entry && (entry.status === 'WAITING' || entry.status === 'CALLED')) await leaveQueue(tx, entry, audit);
  }
  return { cancelledAppointmentIds };
}
