import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../catalog-repository.js';
import { containsPattern } from '../../catalog-service.js';

export const serviceCatalog: QueryResolvers['serviceCatalog'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'serviceCatalog:name', ctx.deps.cursors);
  const filter: repo.CatalogListFilter = {
    pattern: containsPattern(args.filter?.search),
    categories: args.filter?.category?.length ? args.filter.category : null,
    active: args.filter?.active ?? null,
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.catalogPage(tx, org, filter, page));
  for (const row of rows) loaders.serviceCatalogItemById.prime(row.id, row);
  return withCounts(
    toConnection(rows, page, (i) => [i.name, i.id]),
    session,
    ctx.deps.config.totalCountExactLimit,
    (tx, limit) => repo.countCatalogItems(tx, org, filter, limit),
  );
};
