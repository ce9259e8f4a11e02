import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../catalog-service.js';

export const createServiceCatalogItem: MutationResolvers['createServiceCatalogItem'] = async (_root, { input }, ctx) => ({
  serviceCatalogItem: await service.createCatalogItem(requireViewer(ctx), input),
});
