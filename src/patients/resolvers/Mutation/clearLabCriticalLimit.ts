import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { clearLabCriticalLimit as clear } from '../../lab-critical-limit-service.js';

export const clearLabCriticalLimit: MutationResolvers['clearLabCriticalLimit'] = async (_root, { input }, ctx) => ({
  labCriticalLimit: await clear(requireViewer(ctx), input),
});
