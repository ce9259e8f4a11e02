import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../catalog-service.js';

export const deactivateServiceCatalogItem: MutationResolvers['deactivateServiceCatalogItem'] = async (_root, { input }, ctx) => ({
  serviceCatalogItem: await service.updateCatalogItem(
    requireViewer(ctx),
    uuidFromId(input.id, 'ServiceCatalogItem'),
    input.version,
    { active: false },
    'deactivate',
  ),
});
