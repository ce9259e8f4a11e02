import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../service.js';

export const revokeRole: MutationResolvers['revokeRole'] = async (_root, { input }, ctx) => ({
  user: await service.changeRole(requireViewer(ctx), uuidFromId(input.userId, 'User', 'userId'), input.role, false),
});
