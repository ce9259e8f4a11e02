import { requireViewer } from '../context.js';
import type { Resolvers, WorkflowTaskFilter } from '../generated/graphql.js';
import { uuidFromId, toGlobalId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount, type ConnectionArgs } from '../kernel/pagination.js';
import type { TenantContext } from '../context.js';
import * as repo from './task-repository.js';
import * as service from './task-service.js';

const taskId = (id: string, field = 'taskId') => uuidFromId(id, 'WorkflowTask', field);

/** One keyset page of tasks; `mine` restricts to the viewer's own work. */
async function taskList(ctx: TenantContext, args: ConnectionArgs & { filter?: WorkflowTaskFilter | null }, mine: boolean) {
  const { session, loaders, viewer } = ctx;
  const page = pageRequest(args, mine ? 'myTasks:createdAt' : 'workflowTasks:createdAt', ctx.deps.cursors);
  const f = args.filter;
  const filter: repo.TaskListFilter = {
    viewerId: mine ? viewer.userId : null,
    viewerRoles: mine ? [...viewer.roles] : null,
    statuses: f?.status?.length ? [...f.status] : mine ? ['OPEN', 'CLAIMED'] : null,
    priorities: f?.priority?.length ? [...f.priority] : null,
    instanceId: f?.instanceId ? uuidFromId(f.instanceId, 'WorkflowInstance', 'filter.instanceId') : null,
    assignedRole: f?.assignedRole ?? null,
    assignedUserId: f?.assignedUserId ? uuidFromId(f.assignedUserId, 'User', 'filter.assignedUserId') : null,
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.taskPage(tx, org, filter, page));
  for (const row of rows) loaders.workflowTaskById.prime(row.id, row);
  return withTotalCount(
    toConnection(rows, page, (t) => [t.sortKey, t.id]),
    () => session.read((tx) => repo.countTasks(tx, org, filter)),
  ) as never;
}

export const taskResolvers: Resolvers = {
  Query: {
    myTasks: (_root, args, ctx) => taskList(requireViewer(ctx), args, true),
    workflowTasks: (_root, args, ctx) => taskList(requireViewer(ctx), args, false),
    workflowTask: (_root, { id }, ctx) => ctx.loaders.workflowTaskById.load(taskId(id, 'id')),
  },
  Mutation: {
    claimTask: async (_root, { input }, ctx) => ({ task: await service.claimTask(requireViewer(ctx), taskId(input.taskId)) }),
    releaseTask: async (_root, { input }, ctx) => ({ task: await service.releaseTask(requireViewer(ctx), taskId(input.taskId)) }),
    completeTask: async (_root, { input }, ctx) => ({
      task: await service.completeTask(requireViewer(ctx), taskId(input.taskId), input.formData),
    }),
  },
  WorkflowTask: {
    id: (t) => toGlobalId('WorkflowTask', t.id),
    workflowTaskId: (t) => t.id,
    instance: async (t, _args, ctx) => (await ctx.loaders.workflowInstanceById.load(t.instanceId))!,
    assignedRole: (t) => t.assignedRole as never,
    assignedUser: (t, _args, ctx) => (t.assignedUserId ? ctx.loaders.userById.load(t.assignedUserId) : null),
    claimedBy: (t, _args, ctx) => (t.claimedBy ? ctx.loaders.userById.load(t.claimedBy) : null),
    completedBy: (t, _args, ctx) => (t.completedBy ? ctx.loaders.userById.load(t.completedBy) : null),
    isOverdue: (t) => (t.status === 'OPEN' || t.status === 'CLAIMED') && t.dueAt !== null && t.dueAt.getTime() < Date.now(),
  },
};
