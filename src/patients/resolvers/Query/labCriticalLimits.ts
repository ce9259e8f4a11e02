import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { labCriticalLimits as table } from '../../lab-critical-limit-repository.js';

export const labCriticalLimits: QueryResolvers['labCriticalLimits'] = async (_root, _args, ctx) => {
  const { session } = requireViewer(ctx);
  return session.read((tx) => table(tx, session.scope.organizationId));
};
