import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../instance-repository.js';

export const workflowInstances: QueryResolvers['workflowInstances'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
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
  return rootListConnection(viewer, args, repo.instanceList, filter, viewer.loaders.workflowInstanceById);
};
