import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../service.js';

export const deactivateUser: MutationResolvers['deactivateUser'] = async (_root, { id }, ctx) => ({
  user: await service.deactivateUser(requireViewer(ctx), uuidFromId(id, 'User')),
});
