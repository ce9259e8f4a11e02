import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../imaging-order-service.js';

export const recordImagingAcquired: MutationResolvers['recordImagingAcquired'] = async (_root, { input }, ctx) => ({
  imagingOrder: await service.recordImagingAcquired(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'ImagingOrder') }),
});
