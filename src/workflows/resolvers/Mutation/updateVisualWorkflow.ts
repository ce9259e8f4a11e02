import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../visual-service.js';
import { visualId } from '../../workflow-ids.js';

export const updateVisualWorkflow: MutationResolvers['updateVisualWorkflow'] = async (_root, { input }, ctx) => ({
  visualWorkflow: await service.updateVisualWorkflow(requireViewer(ctx), { ...input, id: visualId(input.id) }),
});
