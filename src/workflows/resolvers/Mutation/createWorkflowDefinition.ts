import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../definition-service.js';

export const createWorkflowDefinition: MutationResolvers['createWorkflowDefinition'] = async (_root, { input }, ctx) => ({
  definition: await service.createDefinition(requireViewer(ctx), input),
});
