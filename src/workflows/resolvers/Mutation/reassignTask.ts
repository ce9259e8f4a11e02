import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../task-service.js';
import { taskId } from '../../workflow-ids.js';

export const reassignTask: MutationResolvers['reassignTask'] = async (_root, { input }, ctx) => ({
  task: await service.reassignTask(requireViewer(ctx), {
    taskId: taskId(input.taskId),
    assigneeId: input.assigneeId ? uuidFromId(input.assigneeId, 'User', 'assigneeId') : null,
    reason: input.reason,
  }),
});
