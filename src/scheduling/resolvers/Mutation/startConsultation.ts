import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../opd-queue-service.js';

export const startConsultation: MutationResolvers['startConsultation'] = async (_root, { input }, ctx) => ({
  queueEntry: await service.transitionQueueEntry(requireViewer(ctx), uuidFromId(input.id, 'OpdQueueEntry'), input.version ?? null, 'IN_CONSULTATION'),
});
