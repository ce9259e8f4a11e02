import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../repository.js';

export const users: QueryResolvers['users'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'users:displayName', ctx.deps.cursors);
  const filter = args.filter ?? {};
  const rows = await session.read((tx) => repo.userPage(tx, session.scope.organizationId, filter, page));
  for (const row of rows) loaders.userById.prime(row.id, row);
  return withCounts(
    toConnection(rows, page, (u) => [u.displayName, u.id]),
    session,
    ctx.deps.config.totalCountExactLimit,
    (tx, limit) => repo.countUsers(tx, session.scope.organizationId, filter, limit),
  );
};
