import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { taskList } from '../../task-list.js';

export const myTasks: QueryResolvers['myTasks'] = (_root, args, ctx) => taskList(requireViewer(ctx), args, true);
