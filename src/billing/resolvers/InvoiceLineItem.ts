import type { InvoiceLineItemResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { storedLineAmounts } from '../invoice-totals.js';
import { formatMoney, percentFromDatabase } from '../money.js';

export const InvoiceLineItem: InvoiceLineItemResolvers = {
  id: (l) => toGlobalId('InvoiceLineItem', l.id),
  lineItemId: (l) => l.id,
  serviceCatalogItem: (l, _args, ctx) => (l.serviceCatalogItemId ? ctx.loaders.serviceCatalogItemById.load(l.serviceCatalogItemId) : null),
  amount: (l) => formatMoney(storedLineAmounts(l).amount),
  taxRatePercent: (l) => percentFromDatabase(l.taxRate),
};
