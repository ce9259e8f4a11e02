import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../task-service.js';
import { taskId } from '../../workflow-ids.js';

export const claimTask: MutationResolvers['claimTask'] = async (_root, { input }, ctx) => ({
  task: await service.claimTask(requireViewer(ctx), taskId(input.taskId)),
});
