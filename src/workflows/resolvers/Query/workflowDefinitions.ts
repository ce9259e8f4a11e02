import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../definition-repository.js';

export const workflowDefinitions: QueryResolvers['workflowDefinitions'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'workflowDefinitions:createdAt', ctx.deps.cursors);
  const f = args.filter;
  const filter: repo.DefinitionListFilter = {
    entityType: f?.entityType ?? null,
    statuses: f?.status?.length ? f.status : null,
    definitionKey: f?.definitionKey?.trim().toLowerCase() || null,
    active: f?.active ?? null,
    isDefault: f?.isDefault ?? null,
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.definitionPage(tx, org, filter, page));
  for (const row of rows) loaders.workflowDefinitionById.prime(row.id, row);
  return withCounts(
    toConnection(rows, page, (d) => [d.sortKey, d.id]),
    session,
    ctx.deps.config.totalCountExactLimit,
    (tx, limit) => repo.countDefinitions(tx, org, filter, limit),
  );
};
