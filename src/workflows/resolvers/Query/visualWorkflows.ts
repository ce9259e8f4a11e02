import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../visual-repository.js';
import { optionalDefinitionId } from '../../workflow-ids.js';

export const visualWorkflows: QueryResolvers['visualWorkflows'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'visualWorkflows:createdAt', ctx.deps.cursors);
  const definitionId = optionalDefinitionId(args.filter?.definitionId, 'filter.definitionId');
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.visualPage(tx, org, definitionId, page));
  for (const row of rows) loaders.visualWorkflowById.prime(row.id, row);
  return withCounts(
    toConnection(rows, page, (v) => [v.sortKey, v.id]),
    session,
    ctx.deps.config.totalCountExactLimit,
    (tx, limit) => repo.countVisuals(tx, org, definitionId, limit),
  );
};
