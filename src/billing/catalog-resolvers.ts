import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './catalog-repository.js';
import * as service from './catalog-service.js';
import { percentFromDatabase } from './money.js';

export const catalogResolvers: Resolvers = {
  Query: {
    serviceCatalogItem: (_root, { id }, ctx) => ctx.loaders.serviceCatalogItemById.load(uuidFromId(id, 'ServiceCatalogItem')),
    serviceCatalog: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'serviceCatalog:name', ctx.deps.cursors);
      const filter: repo.CatalogListFilter = {
        pattern: service.containsPattern(args.filter?.search),
        categories: args.filter?.category?.length ? args.filter.category : null,
        active: args.filter?.active ?? null,
      };
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.catalogPage(tx, org, filter, page));
      for (const row of rows) loaders.serviceCatalogItemById.prime(row.id, row);
      return withTotalCount(
        toConnection(rows, page, (i) => [i.name, i.id]),
        () => session.read((tx) => repo.countCatalogItems(tx, org, filter)),
      ) as never;
    },
  },
  Mutation: {
    createServiceCatalogItem: async (_root, { input }, ctx) => ({
      serviceCatalogItem: await service.createCatalogItem(requireViewer(ctx), input),
    }),
    updateServiceCatalogItem: async (_root, { input: { id, version, ...changes } }, ctx) => ({
      serviceCatalogItem: await service.updateCatalogItem(requireViewer(ctx), uuidFromId(id, 'ServiceCatalogItem'), version, changes),
    }),
    deactivateServiceCatalogItem: async (_root, { input }, ctx) => ({
      serviceCatalogItem: await service.updateCatalogItem(
        requireViewer(ctx),
        uuidFromId(input.id, 'ServiceCatalogItem'),
        input.version,
        { active: false },
        'deactivate',
      ),
    }),
  },
  ServiceCatalogItem: {
    id: (i) => toGlobalId('ServiceCatalogItem', i.id),
    serviceCatalogItemId: (i) => i.id,
    category: (i) => i.category as never,
    taxRatePercent: (i) => percentFromDatabase(i.taxRate),
  },
};
