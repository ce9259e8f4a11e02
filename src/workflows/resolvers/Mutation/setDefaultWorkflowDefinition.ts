import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../definition-service.js';
import { definitionId } from '../../workflow-ids.js';

export const setDefaultWorkflowDefinition: MutationResolvers['setDefaultWorkflowDefinition'] = async (_root, { input }, ctx) => ({
  definition: await service.setDefaultDefinition(requireViewer(ctx), { ...input, id: definitionId(input.id) }),
});
