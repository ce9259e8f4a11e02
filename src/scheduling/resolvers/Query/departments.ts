import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../department-repository.js';

export const departments: QueryResolvers['departments'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'departments:name', ctx.deps.cursors);
  const filter: repo.DepartmentListFilter = {
    active: args.filter?.active ?? null,
    types: args.filter?.type?.length ? args.filter.type : null,
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.departmentPage(tx, org, filter, page));
  for (const row of rows) loaders.departmentById.prime(row.id, row);
  return withCounts(
    toConnection(rows, page, (d) => [d.name, d.id]),
    session,
    ctx.deps.config.totalCountExactLimit,
    (tx, limit) => repo.countDepartments(tx, org, filter, limit),
  );
};
