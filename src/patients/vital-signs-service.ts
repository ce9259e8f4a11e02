import type { TenantContext } from '../context.js';
import { together } from '../kernel/db/together.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { organizationToday } from '../kernel/organization-time.js';
import { notFuture, optionalText, requiredText } from '../kernel/validation.js';
import { requirePatient } from './encounter-service.js';
import { organizationTimeZone } from './organization-calendar.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import { ageBandOn } from './vital-sign-reference-ranges.js';
import * as vitals from './vital-signs-repository.js';
import { assertPlausibleVitals, decimalString, evaluateVitals, type VitalMeasurements } from './vital-signs-rules.js';

/** Foreign-key failures of vital-signs writes, as messages that name the input. */
export const VITAL_SIGNS_REFERENCES = {
  vital_signs_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
};

/**
 * Records vital signs. Impossible values are refused before anything is read; inside the write
 * transaction the patient's age band at `recordedAt` (date of birth against the organization's
 * local date of the reading) chooses the normal ranges, and a reading before the birth date is refused.
 */
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
  assertPlausibleVitals(input);
  const recordedAt = notFuture(input.recordedAt, 'recordedAt') ?? new Date();
  const values: Omit<vitals.NewVitalSigns, 'abnormalFlags'> = {
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
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const [patient, late, timeZone] = await together(
      requirePatient(tx, scope.organizationId, input.patientId),
      requireWritableEncounter(tx, scope.organizationId, input),
      organizationTimeZone(tx, scope.organizationId),
    );
    const localDate = organizationToday(timeZone, recordedAt);
    if (localDate < patient.dateOfBirth) {
      throw badInput(`recordedAt (${localDate}) is before the patient's date of birth (${patient.dateOfBirth})`, 'recordedAt', {
        reason: 'BEFORE_BIRTH',
      });
    }
    if (patient.deceasedAt && recordedAt > patient.deceasedAt) {
      throw badInput(`recordedAt is after the patient's recorded time of death (${patient.deceasedAt.toISOString()})`, 'recordedAt', {
        reason: 'AFTER_DEATH',
      });
    }
    const abnormalFlags = evaluateVitals(input, ageBandOn(patient.dateOfBirth, localDate));
    const row = await vitals
      .insertVitalSigns(tx, scope.organizationId, { ...values, abnormalFlags })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, VITAL_SIGNS_REFERENCES)));
    audit({ action: 'vital_signs.record', entityType: 'vital_signs', entityId: row.id, after: row });
    auditLateEntry(audit, late, 'vital_signs', row.id);
    return row;
  });
}

/** Withdraws a vital-sign set as entered in error: it stays on record, with who, when and why (audited). */
export async function markVitalSignsEnteredInError(
  ctx: TenantContext,
  input: { id: string; reason: string },
): Promise<vitals.VitalSignsRow> {
  const reason = requiredText(input.reason, 'reason', 1000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const row = await vitals.lockVitalSigns(tx, scope.organizationId, input.id);
    if (!row) throw notFound('VitalSigns', input.id);
    const marked = await vitals.insertVitalSignsError(tx, scope.organizationId, { vitalSignsId: row.id, reason, markedBy: ctx.viewer.userId });
    if (!marked) throw conflict('These vital signs are already marked entered in error', { reason: 'ALREADY_ENTERED_IN_ERROR' });
    audit({
      action: 'vital_signs.enter_in_error',
      entityType: 'vital_signs',
      entityId: row.id,
      before: { status: 'RECORDED' },
      after: { status: 'ENTERED_IN_ERROR', reason, markedAt: marked.markedAt },
    });
    return row;
  });
}
