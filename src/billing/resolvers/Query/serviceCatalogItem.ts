import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const serviceCatalogItem: QueryResolvers['serviceCatalogItem'] = (_root, { id }, ctx) =>
  ctx.loaders.serviceCatalogItemById.load(uuidFromId(id, 'ServiceCatalogItem'));
