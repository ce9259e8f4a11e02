import type { ServiceCatalogItemResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { percentFromDatabase } from '../money.js';

export const ServiceCatalogItem: ServiceCatalogItemResolvers = {
  id: (i) => toGlobalId('ServiceCatalogItem', i.id),
  serviceCatalogItemId: (i) => i.id,
  taxRatePercent: (i) => percentFromDatabase(i.taxRate),
};
