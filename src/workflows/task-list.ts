import type { TenantContext } from '../context.js';
import type { WorkflowTaskFilter } from '../generated/graphql.js';
import { uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, type ConnectionArgs } from '../kernel/pagination.js';
import { withCounts } from '../kernel/counting.js';
import * as repo from './task-repository.js';

/** One keyset page of tasks, shared by `Query.myTasks` and `Query.workflowTasks`; `mine` restricts to the viewer's own work. */
export async function taskList(ctx: TenantContext, args: ConnectionArgs & { filter?: WorkflowTaskFilter | null }, mine: boolean) {
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
  return withCounts(
    toConnection(rows, page, (t) => [t.sortKey, t.id]),
    session,
    ctx.deps.config.totalCountExactLimit,
    (tx, limit) => repo.countTasks(tx, org, filter, limit),
  );
}
