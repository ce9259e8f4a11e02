import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { badInput, conflict, fromDatabaseError } from '../kernel/errors.js';
import { intInRange, optionalText, requiredText, today } from '../kernel/validation.js';
import * as allergies from './drug-allergy-repository.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import { assertPatientAlive } from './patient-life.js';
import * as prescriptions from './prescription-repository.js';
import { assertPrescriptionTransition, matchingAllergies, positiveDecimal } from './prescription-rules.js';
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
 * ACTIVE drug allergies are matched against the medication: a match is refused
 * with CONFLICT unless `allergyOverrideReason` is given, which is then stored
 * and audited as `prescription.allergy_override`.
 */
export async function prescribeMedication(ctx: TenantContext, input: PrescribeInput): Promise<prescriptions.PrescriptionRow> {
  const startDate = input.startDate ?? today();
  const endDate = input.endDate ?? null;
  if (endDate && endDate < startDate) throw badInput('endDate cannot be before startDate', 'endDate');
  const values: prescriptions.NewPrescription = {
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
    startDate,
    endDate,
    allergyOverrideReason: null,
  };
  const overrideReason = optionalText(input.allergyOverrideReason, 'allergyOverrideReason', 1000) ?? null;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await assertPatientAlive(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    const active = await allergies.drugAllergiesByPatientIds(tx, scope.organizationId, [input.patientId], ['ACTIVE'], null);
    const matched = matchingAllergies(active, { name: values.medicationName, code: values.medicationCode });
    const worst = matched[0];
    if (worst && !overrideReason) {
      const severity = worst.severity ? `severity ${worst.severity}` : 'severity not recorded';
      throw conflict(
        `The patient has an active drug allergy to ${worst.allergen} (${severity}); pass allergyOverrideReason to prescribe ${values.medicationName} anyway`,
        { allergyId: worst.id, allergen: worst.allergen, severity: worst.severity, allergyIds: matched.map((a) => a.id) },
      );
    }
    const prescription = await prescriptions
      .insertPrescription(tx, scope.organizationId, { ...values, allergyOverrideReason: worst ? overrideReason : null })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, PRESCRIPTION_REFERENCES)));
    audit({ action: 'prescription.create', entityType: 'prescription', entityId: prescription.id, after: prescription });
    auditLateEntry(audit, late, 'prescription', prescription.id);
    if (worst) {
      audit({
        action: 'prescription.allergy_override',
        entityType: 'prescription',
        entityId: prescription.id,
        after: {
          reason: overrideReason,
          allergies: matched.map((a) => ({ id: a.id, allergen: a.allergen, allergenCode: a.allergenCode, severity: a.severity })),
        },
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
