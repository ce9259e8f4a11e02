import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import { badInput } from '../kernel/errors.js';
import { optionalText, pastOrTodayDate, requiredText } from '../kernel/validation.js';
import * as allergies from './drug-allergy-repository.js';
import { requirePatient } from './encounter-service.js';
import { organizationTodayOf } from './organization-calendar.js';

export async function recordDrugAllergy(
  ctx: TenantContext,
  input: {
    patientId: string;
    allergen: string;
    allergenCode?: string | null;
    reaction?: string | null;
    severity?: string | null;
    onsetDate?: string | null;
    notes?: string | null;
  },
): Promise<allergies.DrugAllergyRow> {
  const values: allergies.NewDrugAllergy = {
    patientId: input.patientId,
    allergen: requiredText(input.allergen, 'allergen', 200),
    allergenCode: optionalText(input.allergenCode, 'allergenCode', 50) ?? null,
    reaction: optionalText(input.reaction, 'reaction', 1000) ?? null,
    severity: input.severity ?? null,
    onsetDate: null,
    recordedBy: ctx.viewer.userId,
    notes: optionalText(input.notes, 'notes', 5000) ?? null,
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    // The patient lock serialises this insert with prescribeMedication's allergy check.
    await requirePatient(tx, scope.organizationId, input.patientId);
    const today = await organizationTodayOf(tx, scope.organizationId);
    const onsetDate = pastOrTodayDate(input.onsetDate, 'onsetDate', today) ?? null;
    const allergy = await allergies.insertDrugAllergy(tx, scope.organizationId, { ...values, onsetDate });
    audit({ action: 'drug_allergy.record', entityType: 'drug_allergy', entityId: allergy.id, after: allergy });
    return allergy;
  });
}

/**
 * Marks an allergy ENTERED_IN_ERROR (from any other status), with the reason in the audit row.
 * Prescribing only checks ACTIVE allergies, so it no longer blocks or warns.
 */
export async function markAllergyEnteredInError(
  ctx: TenantContext,
  input: { id: string; version: number; reason: string },
): Promise<allergies.DrugAllergyRow> {
  const reason = requiredText(input.reason, 'reason', 1000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await allergies.lockDrugAllergy(tx, scope.organizationId, input.id), input.version, 'DrugAllergy', input.id);
    if (before.status === 'ENTERED_IN_ERROR') {
      throw badInput('This allergy is already marked entered in error', 'id', { reason: 'ALREADY_ENTERED_IN_ERROR' });
    }
    const after = await allergies.updateDrugAllergyStatus(tx, { ...before, status: 'ENTERED_IN_ERROR' });
    const changed = changedFields(before, after);
    audit({
      action: 'drug_allergy.enter_in_error',
      entityType: 'drug_allergy',
      entityId: after.id,
      before: changed.before,
      after: { ...changed.after, reason },
    });
    return after;
  });
}
