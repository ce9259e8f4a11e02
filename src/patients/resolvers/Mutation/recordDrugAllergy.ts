import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../drug-allergy-service.js';

export const recordDrugAllergy: MutationResolvers['recordDrugAllergy'] = async (_root, { input }, ctx) => ({
  drugAllergy: await service.recordDrugAllergy(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
  }),
});
