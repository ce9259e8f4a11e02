import type { WorkflowTaskResolvers } from '../../generated/graphql.js';
import { isRole } from '../../kernel/auth/permissions.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const WorkflowTask: WorkflowTaskResolvers = {
  id: (t) => toGlobalId('WorkflowTask', t.id),
  workflowTaskId: (t) => t.id,
  instance: async (t, _args, ctx) => (await ctx.loaders.workflowInstanceById.load(t.instanceId))!,
  // The column references roles(code), so every stored value passes; the check narrows the type.
  assignedRole: (t) => (t.assignedRole !== null && isRole(t.assignedRole) ? t.assignedRole : null),
  assignedUser: (t, _args, ctx) => (t.assignedUserId ? ctx.loaders.userById.load(t.assignedUserId) : null),
  claimedBy: (t, _args, ctx) => (t.claimedBy ? ctx.loaders.userById.load(t.claimedBy) : null),
  completedBy: (t, _args, ctx) => (t.completedBy ? ctx.loaders.userById.load(t.completedBy) : null),
  escalatedFrom: async (t, _args, ctx) => (t.escalatedFrom ? ctx.loaders.workflowTaskById.load(t.escalatedFrom) : null),
  isOverdue: (t) => (t.status === 'OPEN' || t.status === 'CLAIMED') && t.dueAt !== null && t.dueAt.getTime() < Date.now(),
};
