import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../task-service.js';
import { taskId } from '../../workflow-ids.js';

export const completeTask: MutationResolvers['completeTask'] = async (_root, { input }, ctx) => ({
  task: await service.completeTask(requireViewer(ctx), taskId(input.taskId), input.formData),
});
