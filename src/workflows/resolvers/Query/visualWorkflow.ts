import type { QueryResolvers } from '../../../generated/graphql.js';
import { visualId } from '../../workflow-ids.js';

export const visualWorkflow: QueryResolvers['visualWorkflow'] = (_root, { id }, ctx) => ctx.loaders.visualWorkflowById.load(visualId(id));
