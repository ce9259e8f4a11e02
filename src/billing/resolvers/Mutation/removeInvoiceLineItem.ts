import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../invoice-service.js';

export const removeInvoiceLineItem: MutationResolvers['removeInvoiceLineItem'] = async (_root, { input }, ctx) => ({
  invoice: await service.removeLineItem(requireViewer(ctx), {
    lineItemId: uuidFromId(input.lineItemId, 'InvoiceLineItem', 'lineItemId'),
    version: input.version,
  }),
});
