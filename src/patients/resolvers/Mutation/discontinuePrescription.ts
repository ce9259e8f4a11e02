import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../prescription-service.js';

export const discontinuePrescription: MutationResolvers['discontinuePrescription'] = async (_root, { input }, ctx) => ({
  prescription: await service.discontinuePrescription(requireViewer(ctx), {
    ...input,
    id: uuidFromId(input.id, 'Prescription'),
  }),
});
