import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { badInput, fromDatabaseError } from '../kernel/errors.js';
import { intInRange, optionalText, requiredText } from '../kernel/validation.js';
import { assertAllergySafe, medicationProduct, overrideAuditDetails } from './allergy-check-service.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import { organizationTodayOf } from './organization-calendar.js';
import { assertPatientAlive } from './patient-life.js';
import * as prescriptions from './prescription-repository.js';
import { assertPrescriptionTransition, positiveDecimal } from './prescription-rules.js';
import { atVersion } from '../kernel/concurrency.js';

/** Foreign-key failures of prescription writes, as messages that name the input. */
const PRESCRIPTION_REFERENCES = {
  prescriptions_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
};

export interface PrescribeInput {
  patientId: string;
  encounterId: string | null;
  medicationName: string;
  medicationCode?: string | null;
  dosage: string;
  doseAmount?: number | null;
  doseUnit?: string | null;
  route: string;
  frequency: string;
  durationDays?: number | null;
  quantity?: number | null;
  refills?: number | null;
  instructions?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  allergyOverrideReason?: string | null;
  /** Why the prescription goes into a COMPLETED or CANCELLED encounter (a late entry). */
  lateEntryReason?: string | null;
}

/**
 * Prescribes a medication. Inside the write transaction, after locking the
 * patient (so an allergy recorded concurrently cannot slip past), the patient's
 * ACTIVE drug allergies are checked against the medication's ingredients and
 * allergy classes (allergy-check-service): a hard stop is refused, any other
 * match needs a prescriber's `allergyOverrideReason`, stored and audited as
 * `prescription.allergy_override` with the matched classes. The default start
 * date is the organization's today.
 */
export async function prescribeMedication(ctx: TenantContext, input: PrescribeInput): Promise<prescriptions.PrescriptionRow> {
  const endDate = input.endDate ?? null;
  if (input.startDate && endDate && endDate < input.startDate) throw badInput('endDate cannot be before startDate', 'endDate');
  const values: Omit<prescriptions.NewPrescription, 'startDate'> = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    prescriberId: ctx.viewer.userId,
    medicationName: requiredText(input.medicationName, 'medicationName', 200),
    medicationCode: optionalText(input.medicationCode, 'medicationCode', 50) ?? null,
    dosage: requiredText(input.dosage, 'dosage', 100),
    doseAmount: positiveDecimal(input.doseAmount, 'doseAmount', 1_000_000),
    doseUnit: optionalText(input.doseUnit, 'doseUnit', 30) ?? null,
    route: input.route,
    frequency: requiredText(input.frequency, 'frequency', 100),
    durationDays: intInRange(input.durationDays, 'durationDays', 1, 3650) ?? null,
    quantity: positiveDecimal(input.quantity, 'quantity', 99_999_999.99, 2),
    refills: intInRange(input.refills, 'refills', 0, 99) ?? 0,
    instructions: optionalText(input.instructions, 'instructions', 2000) ?? null,
    endDate,
    allergyOverrideReason: null,
  };
  const overrideReason = optionalText(input.allergyOverrideReason, 'allergyOverrideReason', 1000) ?? null;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await assertPatientAlive(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    const startDate = input.startDate ?? (await organizationTodayOf(tx, scope.organizationId));
    if (endDate && endDate < startDate) throw badInput('endDate cannot be before startDate', 'endDate');
    const product = await medicationProduct(tx, scope.organizationId, values.medicationName, values.medicationCode);
    const matched = await assertAllergySafe(tx, ctx.viewer, scope.organizationId, input.patientId, product, overrideReason);
    const overridden = matched.length > 0 ? overrideReason : null;
    const prescription = await prescriptions
      .insertPrescription(tx, scope.organizationId, { ...values, startDate, allergyOverrideReason: overridden })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, PRESCRIPTION_REFERENCES)));
    audit({ action: 'prescription.create', entityType: 'prescription', entityId: prescription.id, after: prescription });
    auditLateEntry(audit, late, 'prescription', prescription.id);
    if (overridden) {
      audit({
        action: 'prescription.allergy_override',
        entityType: 'prescription',
        entityId: prescription.id,
        after: overrideAuditDetails(overridden, product, matched),
      });
    }
    return prescription;
  });
}

/** ACTIVE or ON_HOLD → DISCONTINUED, checking the client's version. */
export async function discontinuePrescription(
  ctx: TenantContext,
  input: { id: string; version: number; reason: string },
): Promise<prescriptions.PrescriptionRow> {
  const reason = requiredText(input.reason, 'reason', 1000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await prescriptions.lockPrescription(tx, scope.organizationId, input.id), input.version, 'Prescription', input.id);
    assertPrescriptionTransition(before.status, 'DISCONTINUED');
    const after = await prescriptions.updatePrescriptionStatus(tx, {
      ...before,
      status: 'DISCONTINUED',
      discontinuedAt: new Date(),
      discontinuedReason: reason,
    });
    audit({ action: 'prescription.discontinue', entityType: 'prescription', entityId: input.id, ...changedFields(before, after) });
    return after;
  });
}
