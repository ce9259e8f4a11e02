import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../service.js';

export const updateUser: MutationResolvers['updateUser'] = async (_root, { input }, ctx) => {
  const { id, version, ...changes } = input;
  return { user: await service.updateUser(requireViewer(ctx), uuidFromId(id, 'User'), version, changes) };
};
