import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../visual-service.js';
import { optionalDefinitionId } from '../../workflow-ids.js';

export const saveVisualWorkflow: MutationResolvers['saveVisualWorkflow'] = async (_root, { input }, ctx) => ({
  visualWorkflow: await service.saveVisualWorkflow(requireViewer(ctx), {
    ...input,
    definitionId: optionalDefinitionId(input.definitionId, 'definitionId'),
  }),
});
