import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../invoice-service.js';

export const addInvoiceLineItem: MutationResolvers['addInvoiceLineItem'] = (_root, { input }, ctx) =>
  service.addLineItem(requireViewer(ctx), {
    ...input,
    invoiceId: uuidFromId(input.invoiceId, 'Invoice', 'invoiceId'),
    serviceCatalogItemId: uuidFromId(input.serviceCatalogItemId, 'ServiceCatalogItem', 'serviceCatalogItemId'),
  });
