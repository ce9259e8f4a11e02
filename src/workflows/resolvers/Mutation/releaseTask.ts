import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../task-service.js';
import { taskId } from '../../workflow-ids.js';

export const releaseTask: MutationResolvers['releaseTask'] = async (_root, { input }, ctx) => ({
  task: await service.releaseTask(requireViewer(ctx), taskId(input.taskId)),
});
