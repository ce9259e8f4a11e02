import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../clinical-note-service.js';

export const addClinicalNote: MutationResolvers['addClinicalNote'] = async (_root, { input }, ctx) => ({
  clinicalNote: await service.addClinicalNote(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
    amendsNoteId: optionalUuidFromId(input.amendsNoteId, 'ClinicalNote', 'amendsNoteId'),
    cosignerId: optionalUuidFromId(input.cosignerId, 'User', 'cosignerId'),
  }),
});
