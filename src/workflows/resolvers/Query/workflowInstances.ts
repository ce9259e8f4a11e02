import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../instance-repository.js';
import { patientsOf } from '../../loaders.js';

export const workflowInstances: QueryResolvers['workflowInstances'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'workflowInstances:startedAt', ctx.deps.cursors);
  const f = args.filter;
  const statuses = f?.status?.length ? [...f.status] : null;
  const active = f?.active === true ? ['ACTIVE'] : f?.active === false ? ['COMPLETED', 'CANCELLED'] : null;
  const filter: repo.InstanceListFilter = {
    definitionId: f?.definitionId ? uuidFromId(f.definitionId, 'WorkflowDefinition', 'filter.definitionId') : null,
    entityType: f?.entityType ?? null,
    entityId: f?.entityId ?? null,
    state: f?.state?.trim() || null,
    // `active` and `status` both narrow: the statuses in both lists.
    statuses: statuses && active ? statuses.filter((s) => active.includes(s)) : (statuses ?? active),
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.instancePage(tx, org, filter, page));
  for (const row of rows) loaders.workflowInstanceById.prime(row.id, row);
  const connection = toConnection(rows, page, (i) => [i.sortKey, i.id]);
  session.notePatientAccess(patientsOf(connection.edges.map((e) => e.node)));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countInstances(tx, org, filter, limit));
};
