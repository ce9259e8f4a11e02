import type { TenantContext } from '../context.js';
import type { WorkflowTaskFilter } from '../generated/graphql.js';
import { uuidFromId } from '../kernel/global-id.js';
import type { ConnectionArgs } from '../kernel/pagination.js';
import { rootListConnection } from '../kernel/root-list.js';
import * as repo from './task-repository.js';

/** One keyset page of tasks, shared by `Query.myTasks` and `Query.workflowTasks`; `mine` restricts to the viewer's own work. */
export function taskList(ctx: TenantContext, args: ConnectionArgs & { filter?: WorkflowTaskFilter | null }, mine: boolean) {
  const { viewer } = ctx;
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
  return rootListConnection(ctx, args, repo.taskList, filter, ctx.loaders.workflowTaskById);
}
