import type { QueryResolvers } from '../../../generated/graphql.js';
import { taskId } from '../../workflow-ids.js';

export const workflowTask: QueryResolvers['workflowTask'] = (_root, { id }, ctx) => ctx.loaders.workflowTaskById.load(taskId(id, 'id'));
