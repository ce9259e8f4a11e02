import type { TenantContext } from '../context.js';
import { changedFields, type AuditEntry } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict } from '../kernel/errors.js';
import { requiredText } from '../kernel/validation.js';
import { cancelScheduleOfPatient } from '../scheduling/patient-appointments.js';
import * as encounters from './encounter-repository.js';
import * as imaging from './imaging-order-repository.js';
import * as labs from './lab-test-repository.js';
import { assertEncounterTransition } from './encounter-rules.js';
import { PATIENT_DECEASED } from './patient-life-rules.js';
import * as repo from './patient-repository.js';
import * as prescriptions from './prescription-repository.js';
import { canDiscontinue } from './prescription-rules.js';

/** Cancellation and discontinuation reason written when a death is recorded. */
export const DEATH_REASON = 'Patient deceased';

/** A death already on record is changed only through undoPatientDeath (ORG_ADMIN, with a reason). */
export function assertNotAlreadyDeceased(patient: repo.PatientRow): void {
  if (patient.status === 'DECEASED') {
    throw conflict(
      'The patient is already recorded as deceased; only an organization administrator can undo a death recorded in error (undoPatientDeath with a reason)',
      { field: 'status', reason: PATIENT_DECEASED },
    );
  }
}

/**
 * What a recorded death does to the care in force, in the transaction that records it: every prescription still
 * ACTIVE or ON_HOLD is DISCONTINUED; every lab order with no specimen taken, every imaging order not yet
 * begun, every encounter PLANNED after the time of death and every appointment still to happen after it are
 * CANCELLED (queue entries left), each audited like the matching mutation, with the reason "Patient deceased".
 * (A specimen already taken is still resulted: its result can matter to the cause of death.)
 */
export async function endCareAfterDeath(
  tx: TransactionSql,
  organizationId: string,
  audit: (entry: AuditEntry) => void,
  patient: { id: string; deceasedAt: Date },
): Promise<void> {
  const now = new Date();
  for (const id of await prescriptions.prescriptionIdsInForceOfPatient(tx, organizationId, patient.id)) {
    const before = await prescriptions.lockPrescription(tx, organizationId, id);
    if (!before || !canDiscontinue(before.status)) continue;
    const after = await prescriptions.updatePrescriptionStatus(tx, {
      ...before,
      status: 'DISCONTINUED',
      discontinuedAt: now,
      discontinuedReason: DEATH_REASON,
    });
    audit({ action: 'prescription.discontinue', entityType: 'prescription', entityId: id, ...changedFields(before, after) });
  }
  for (const id of await encounters.plannedEncounterIdsOfPatient(tx, organizationId, patient.id, patient.deceasedAt)) {
    const before = await encounters.lockEncounter(tx, organizationId, id);
    if (!before || before.status !== 'PLANNED') continue;
    assertEncounterTransition(before.status, 'CANCELLED');
    const notes = [before.notes, `Cancelled: ${DEATH_REASON}`].filter(Boolean).join('\n');
    const after = await encounters.updateEncounterStatus(tx, { ...before, status: 'CANCELLED', notes });
    audit({ action: 'encounter.cancel', entityType: 'encounter', entityId: id, ...changedFields(before, after) });
  }
  for (const id of await labs.uncollectedLabTestIdsOfPatient(tx, organizationId, patient.id)) {
    const before = await labs.lockLabTest(tx, organizationId, id);
    if (!before || before.status !== 'ORDERED') continue;
    const after = await labs.updateLabTestStatus(tx, { ...before, status: 'CANCELLED', cancelledAt: now, cancellationReason: DEATH_REASON });
    audit({ action: 'lab_test.cancel', entityType: 'lab_test', entityId: id, ...changedFields(before, after) });
  }
  for (const id of await imaging.unstartedImagingOrderIdsOfPatient(tx, organizationId, patient.id)) {
    const before = await imaging.lockImagingOrder(tx, organizationId, id);
    if (!before || (before.status !== 'ORDERED' && before.status !== 'SCHEDULED')) continue;
    const after = await imaging.updateImagingOrderStatus(tx, { ...before, status: 'CANCELLED', cancelledAt: now, cancellationReason: DEATH_REASON });
    audit({ action: 'imaging_order.cancel', entityType: 'imaging_order', entityId: id, ...changedFields(before, after) });
  }
  await cancelScheduleOfPatient(tx, organizationId, audit, { patientId: patient.id, endingAfter: patient.deceasedAt, reason: DEATH_REASON });
}

/**
 * Undoes a death recorded in error: DECEASED → ACTIVE, the time of death cleared, audited with the reason. Only
 * PATIENTS_ADMIN (ORG_ADMIN) reaches it. Cancelled appointments and stopped prescriptions stay as they are: care
 * is restarted deliberately, by booking and prescribing again.
 */
export async function undoPatientDeath(
  ctx: TenantContext,
  input: { id: string; version: number; reason: string },
): Promise<repo.PatientRow> {
  const reason = requiredText(input.reason, 'reason', 1000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await repo.lockPatient(tx, scope.organizationId, input.id), input.version, 'Patient', input.id);
    if (before.status !== 'DECEASED') throw badInput(`The patient is ${before.status}, not recorded as deceased`, 'id');
    const after = await repo.updatePatientRow(tx, { ...before, status: 'ACTIVE', deceasedAt: null });
    const changes = changedFields(before, after);
    audit({ action: 'patient.undo_death', entityType: 'patient', entityId: input.id, before: changes.before, after: { ...changes.after, reason } });
    return after;
  });
}
