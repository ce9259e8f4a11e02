import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';

export const workflowConfig: QueryResolvers['workflowConfig'] = (_root, _args, ctx) => requireViewer(ctx).loaders.workflowConfig();
