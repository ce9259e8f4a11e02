import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../definition-service.js';
import { definitionId } from '../../workflow-ids.js';

export const createWorkflowDefinitionVersion: MutationResolvers['createWorkflowDefinitionVersion'] = async (_root, { input }, ctx) => ({
  definition: await service.createDefinitionVersion(requireViewer(ctx), { ...input, fromId: definitionId(input.fromId, 'fromId') }),
});
