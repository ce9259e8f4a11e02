import { nodeFetcher, type DomainModule } from '../domain-module.js';
import { catalogResolvers } from './catalog-resolvers.js';
import { invoiceResolvers } from './invoice-resolvers.js';
import { reportResolvers } from './report-resolvers.js';

/** Billing: service catalog, invoices with line items, payments and refunds, reports. */
export const billingModule: DomainModule = {
  resolvers: [catalogResolvers, invoiceResolvers, reportResolvers],
  nodes: {
    ServiceCatalogItem: nodeFetcher('ServiceCatalogItem', 'billing:read', (ctx, uuid) => ctx.loaders.serviceCatalogItemById.load(uuid)),
    Invoice: nodeFetcher('Invoice', 'billing:read', (ctx, uuid) => ctx.loaders.invoiceById.load(uuid)),
    InvoiceLineItem: nodeFetcher('InvoiceLineItem', 'billing:read', async (ctx, uuid) => {
      const line = await ctx.loaders.lineItemById.load(uuid);
      // Through its invoice, so reading the line is recorded as access to the patient's record.
      return line && (await ctx.loaders.invoiceById.load(line.invoiceId)) ? line : null;
    }),
    Payment: nodeFetcher('Payment', 'billing:read', (ctx, uuid) => ctx.loaders.paymentById.load(uuid)),
  },
};
