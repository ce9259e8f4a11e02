import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../catalog-service.js';

export const updateServiceCatalogItem: MutationResolvers['updateServiceCatalogItem'] = async (_root, { input: { id, version, ...changes } }, ctx) => ({
  serviceCatalogItem: await service.updateCatalogItem(requireViewer(ctx), uuidFromId(id, 'ServiceCatalogItem'), version, changes),
});
