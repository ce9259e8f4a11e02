import type { QueryResolvers } from '../../../generated/graphql.js';
import { instanceId } from '../../workflow-ids.js';

export const workflowInstance: QueryResolvers['workflowInstance'] = (_root, { id }, ctx) =>
  ctx.loaders.workflowInstanceById.load(instanceId(id));
