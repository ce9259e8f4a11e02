import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../clinical-note-service.js';

export const signClinicalNote: MutationResolvers['signClinicalNote'] = async (_root, { input }, ctx) => ({
  clinicalNote: await service.signClinicalNote(requireViewer(ctx), uuidFromId(input.id, 'ClinicalNote'), input.version),
});
