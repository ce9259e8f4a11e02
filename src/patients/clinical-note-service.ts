import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { badInput, fromDatabaseError, notFound } from '../kernel/errors.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import * as notes from './clinical-note-repository.js';
import { assertAmendable, assertMaySign, assertNoteTransition } from './clinical-note-rules.js';
import { requirePatient } from './encounter-service.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import { atVersion } from '../kernel/concurrency.js';

/** Foreign-key and trigger failures of note writes, as messages that name the input. */
const NOTE_REFERENCES = {
  clinical_notes_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
  clinical_notes_organization_id_patient_id_amends_note_id_fkey: () =>
    badInput('amendsNoteId must be a note of the same patient', 'amendsNoteId'),
  clinical_notes_cosigner_fkey: () => badInput('cosignerId is not a user of your organization', 'cosignerId'),
  clinical_notes_signed_immutable: () => badInput('A signed note cannot change; write an amendment instead', 'id'),
};

/** Writes a DRAFT note; with `amendsNoteId` it is an amendment of a SIGNED note of the same patient. */
export async function addClinicalNote(
  ctx: TenantContext,
  input: {
    patientId: string;
    encounterId: string | null;
    noteType: string;
    title?: string | null;
    body: string;
    amendsNoteId: string | null;
    lateEntryReason?: string | null;
    cosignerId?: string | null;
  },
): Promise<notes.ClinicalNoteRow> {
  const values: notes.NewClinicalNote = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    authorId: ctx.viewer.userId,
    cosignerId: input.cosignerId ?? null,
    noteType: input.noteType,
    title: optionalText(input.title, 'title', 300) ?? null,
    body: requiredText(input.body, 'body', 200_000),
    amendsNoteId: input.amendsNoteId,
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await requirePatient(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    if (input.amendsNoteId) {
      const [target] = await notes.clinicalNotesByIds(tx, scope.organizationId, [input.amendsNoteId]);
      if (!target) throw notFound('ClinicalNote', input.amendsNoteId);
      assertAmendable(target, input.patientId);
    }
    const note = await notes
      .insertClinicalNote(tx, scope.organizationId, values)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, NOTE_REFERENCES)));
    audit({
      action: note.amendsNoteId ? 'clinical_note.amend' : 'clinical_note.create',
      entityType: 'clinical_note',
      entityId: note.id,
      after: note,
    });
    auditLateEntry(audit, late, 'clinical_note', note.id);
    return note;
  });
}

/**
 * DRAFT → SIGNED by the viewer — the author or the named co-signer (clinical-note-rules) — checking the
 * client's version. Signed notes never change again.
 */
export async function signClinicalNote(ctx: TenantContext, id: string, version: number): Promise<notes.ClinicalNoteRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await notes.lockClinicalNote(tx, scope.organizationId, id), version, 'ClinicalNote', id);
    assertMaySign(before, ctx.viewer.userId);
    assertNoteTransition(before.status, 'SIGNED');
    const after = await notes
      .updateClinicalNoteSignature(tx, { ...before, status: 'SIGNED', signedAt: new Date(), signedBy: ctx.viewer.userId })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, NOTE_REFERENCES)));
    audit({ action: 'clinical_note.sign', entityType: 'clinical_note', entityId: id, ...changedFields(before, after) });
    return after;
  });
}
