import { badInput, forbidden } from '../kernel/errors.js';

export type ClinicalNoteStatus = 'DRAFT' | 'SIGNED';

/** The note life cycle: a DRAFT is signed once; a SIGNED note never changes again. */
const NEXT: Record<ClinicalNoteStatus, readonly ClinicalNoteStatus[]> = {
  DRAFT: ['SIGNED'],
  SIGNED: [],
};

export function assertNoteTransition(from: string, to: ClinicalNoteStatus): void {
  if (from === 'SIGNED') {
    throw badInput('The note is already signed and can no longer change; write an amendment instead', 'id', { from, to });
  }
  if (!(NEXT[from as ClinicalNoteStatus] ?? []).includes(to)) {
    throw badInput(`A clinical note cannot go from ${from} to ${to}`, 'id', { from, to });
  }
}

/** An amendment corrects a SIGNED note of the same patient (a draft is not yet part of the record). */
export function assertAmendable(target: { status: string; patientId: string }, patientId: string): void {
  if (target.patientId !== patientId) {
    throw badInput('amendsNoteId must be a note of the same patient', 'amendsNoteId');
  }
  if (target.status !== 'SIGNED') {
    throw badInput('Only a SIGNED note can be amended; sign or replace the draft instead', 'amendsNoteId', {
      status: target.status,
    });
  }
}

/**
 * Signing attests authorship: only the note's author or the clinician named as its co-signer may sign it
 * (the permission notes:sign is checked first, by the schema). A nurse cannot sign a physician's draft.
 */
export function assertMaySign(note: { authorId: string; cosignerId?: string | null }, viewerId: string): void {
  if (note.authorId !== viewerId && note.cosignerId !== viewerId) {
    throw forbidden('Only the author of the note or its named co-signer may sign it');
  }
}
