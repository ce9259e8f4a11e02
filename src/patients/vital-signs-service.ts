import type { TenantContext } from '../context.js';
import { badInput, fromDatabaseError } from '../kernel/errors.js';
import { notFuture, optionalText } from '../kernel/validation.js';
import { requirePatient } from './encounter-service.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import * as vitals from './vital-signs-repository.js';
import { decimalString, evaluateVitals, type VitalMeasurements } from './vital-signs-rules.js';

/** Foreign-key failures of vital-signs writes, as messages that name the input. */
export const VITAL_SIGNS_REFERENCES = {
  vital_signs_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
};

export async function recordVitalSigns(
  ctx: TenantContext,
  input: VitalMeasurements & {
    patientId: string;
    encounterId: string | null;
    recordedAt: Date | null;
    notes?: string | null;
    lateEntryReason?: string | null;
  },
): Promise<vitals.VitalSignsRow> {
  const flags = evaluateVitals(input);
  const recordedAt = notFuture(input.recordedAt, 'recordedAt') ?? new Date();
  const values: vitals.NewVitalSigns = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    recordedBy: ctx.viewer.userId,
    recordedAt,
    systolicBp: input.systolicBp ?? null,
    diastolicBp: input.diastolicBp ?? null,
    heartRate: input.heartRate ?? null,
    respiratoryRate: input.respiratoryRate ?? null,
    temperatureC: decimalString(input.temperatureC, 'temperatureC'),
    spo2: input.spo2 ?? null,
    weightKg: decimalString(input.weightKg, 'weightKg'),
    heightCm: decimalString(input.heightCm, 'heightCm'),
    painScore: input.painScore ?? null,
    notes: optionalText(input.notes, 'notes', 5000) ?? null,
    abnormalFlags: flags,
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await requirePatient(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    const row = await vitals
      .insertVitalSigns(tx, scope.organizationId, values)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, VITAL_SIGNS_REFERENCES)));
    audit({ action: 'vital_signs.record', entityType: 'vital_signs', entityId: row.id, after: row });
    auditLateEntry(audit, late, 'vital_signs', row.id);
    return row;
  });
}
