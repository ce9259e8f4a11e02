import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { setLabCriticalLimit as set } from '../../lab-critical-limit-service.js';

export const setLabCriticalLimit: MutationResolvers['setLabCriticalLimit'] = async (_root, { input }, ctx) => ({
  labCriticalLimit: await set(requireViewer(ctx), input),
});
