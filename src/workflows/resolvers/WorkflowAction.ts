import type { WorkflowActionResolvers } from '../../generated/graphql.js';

export const WorkflowAction: WorkflowActionResolvers = {
  description: (a) => a.description ?? null,
  role: (a) => a.role ?? null,
  assignee: (a, _args, ctx) => (a.userId ? ctx.loaders.userById.load(a.userId) : null),
  priority: (a) => a.priority ?? null,
  dueInHours: (a) => a.dueInHours ?? null,
};
