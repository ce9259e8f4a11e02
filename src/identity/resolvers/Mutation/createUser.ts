import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../service.js';

export const createUser: MutationResolvers['createUser'] = async (_root, { input }, ctx) => ({
  user: await service.createUser(requireViewer(ctx), input),
});
