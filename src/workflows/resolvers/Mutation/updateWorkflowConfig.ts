import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../visual-service.js';

export const updateWorkflowConfig: MutationResolvers['updateWorkflowConfig'] = async (_root, { input }, ctx) => ({
  config: await service.updateWorkflowConfig(requireViewer(ctx), input),
});
