import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../appointment-service.js';

export const markNoShow: MutationResolvers['markNoShow'] = async (_root, { input }, ctx) => ({
  appointment: await service.markNoShow(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Appointment') }),
});
