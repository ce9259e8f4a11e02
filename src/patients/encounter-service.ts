import type { TenantContext } from '../context.js';
import { requireClinicalProvider } from '../identity/providers.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, fromDatabaseError, notFound } from '../kernel/errors.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import { draftNoteIdsOfEncounter } from './clinical-note-repository.js';
import * as encounters from './encounter-repository.js';
import { assertEncounterTime, assertEncounterTransition, assertNotesSigned, type EncounterStatus } from './encounter-rules.js';
import { assertNotBeforeBirthIn, assertPatientAlive, requireDeceasedPatient } from './patient-life.js';
import { lockPatient } from './patient-repository.js';

/** Foreign-key failures of encounter writes, as messages that name the input. */
export const ENCOUNTER_REFERENCES = {
  encounters_organization_id_provider_id_fkey: () => badInput('providerId is not a user of your organization', 'providerId'),
  encounters_organization_id_department_id_fkey: () =>
    badInput('departmentId is not a department of your organization', 'departmentId'),
};

/** The patient must exist, be live and belong to the viewer's organization; locks it against concurrent deletion. */
export async function requirePatient(tx: TransactionSql, organizationId: string, patientId: string) {
  const patient = await lockPatient(tx, organizationId, patientId);
  if (!patient) throw notFound('Patient', patientId);
  return patient;
}

/**
 * Opens a PLANNED encounter: the patient alive (or, with `documentsDeath`, deceased: the one encounter after death),
 * its time between birth and now unless planned (encounter-rules), its provider a clinician.
 */
export async function createEncounter(
  ctx: TenantContext,
  input: {
    patientId: string;
    providerId: string | null;
    departmentId: string | null;
    encounterType: string;
    encounterAt: Date | null;
    scheduledAt: Date | null;
    reason?: string | null;
    chiefComplaint?: string | null;
    remarks?: string | null;
    /** The explicit path after death: an encounter documenting the death of a patient recorded as deceased. */
    documentsDeath?: boolean | null;
  },
): Promise<encounters.EncounterRow> {
  const values: encounters.NewEncounter = {
    patientId: input.patientId,
    providerId: input.providerId ?? ctx.viewer.userId,
    departmentId: input.departmentId,
    encounterType: input.encounterType,
    encounterAt: input.encounterAt ?? input.scheduledAt ?? new Date(),
    scheduledAt: input.scheduledAt,
    reason: optionalText(input.reason, 'reason', 2000) ?? null,
    chiefComplaint: optionalText(input.chiefComplaint, 'chiefComplaint', 2000) ?? null,
    notes: optionalText(input.remarks, 'remarks', 20000) ?? null,
  };
  assertEncounterTime(values.encounterAt, values.scheduledAt);
  if (values.scheduledAt) assertEncounterTime(values.scheduledAt, values.scheduledAt);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const patient = input.documentsDeath
      ? await requireDeceasedPatient(tx, org, input.patientId)
      : await assertPatientAlive(tx, org, input.patientId);
    await assertNotBeforeBirthIn(tx, org, values.encounterAt, patient.dateOfBirth, 'encounterAt');
    if (values.scheduledAt) await assertNotBeforeBirthIn(tx, org, values.scheduledAt, patient.dateOfBirth, 'scheduledAt');
    await requireClinicalProvider(tx, org, values.providerId, 'providerId', ctx.viewer);
    const encounter = await encounters
      .insertEncounter(tx, org, values)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, ENCOUNTER_REFERENCES)));
    audit({
      action: 'encounter.create',
      entityType: 'encounter',
      entityId: encounter.id,
      after: input.documentsDeath ? { ...encounter, documentsDeath: true } : encounter,
    });
    return encounter;
  });
}

/**
 * Moves an encounter along its life cycle (see encounter-rules), checking the client's version. Completion
 * waits for the encounter's DRAFT notes to be signed unless `draftNotesReason` says why they are signed later
 * (audited with the notes' ids). A planned encounter started before its time happens now.
 */
export async function transitionEncounter(
  ctx: TenantContext,
  id: string,
  version: number,
  to: EncounterStatus,
  details: { dischargeDisposition?: string | null; cancellationReason?: string | null; draftNotesReason?: string | null } = {},
): Promise<encounters.EncounterRow> {
  const disposition = optionalText(details.dischargeDisposition, 'dischargeDisposition', 200);
  const reason = to === 'CANCELLED' ? requiredText(details.cancellationReason ?? '', 'reason', 1000) : null;
  const draftNotesReason = optionalText(details.draftNotesReason, 'draftNotesReason', 1000) ?? null;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await encounters.lockEncounter(tx, scope.organizationId, id), version, 'Encounter', id);
    assertEncounterTransition(before.status, to);
    const draftNoteIds = to === 'COMPLETED' ? await draftNoteIdsOfEncounter(tx, scope.organizationId, id) : [];
    assertNotesSigned(draftNoteIds, draftNotesReason);
    const now = new Date();
    const next: encounters.EncounterRow = {
      ...before,
      status: to,
      startedAt: to === 'IN_PROGRESS' ? now : before.startedAt,
      endedAt: to === 'COMPLETED' || (to === 'CANCELLED' && before.startedAt) ? now : before.endedAt,
      dischargeDisposition: disposition ?? before.dischargeDisposition,
      notes: reason ? [before.notes, `Cancelled: ${reason}`].filter(Boolean).join('\n') : before.notes,
    };
    const startsEarly = to === 'IN_PROGRESS' && before.encounterAt.getTime() > now.getTime();
    const after = await encounters.updateEncounterStatus(tx, next, startsEarly ? now : null);
    const changes = changedFields(before, after);
    audit({
      action: `encounter.${to === 'IN_PROGRESS' ? 'start' : to === 'COMPLETED' ? 'complete' : 'cancel'}`,
      entityType: 'encounter',
      entityId: id,
      before: changes.before,
      after: draftNoteIds.length > 0 ? { ...changes.after, draftNotesReason, draftNoteIds } : changes.after,
    });
    return after;
  });
}
