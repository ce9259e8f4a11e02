import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../catalog-repository.js';
import { containsPattern } from '../../catalog-service.js';

export const serviceCatalog: QueryResolvers['serviceCatalog'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const filter: repo.CatalogListFilter = {
    pattern: containsPattern(args.filter?.search),
    categories: args.filter?.category?.length ? args.filter.category : null,
    active: args.filter?.active ?? null,
  };
  return rootListConnection(viewer, args, repo.catalogList, filter, viewer.loaders.serviceCatalogItemById);
};
