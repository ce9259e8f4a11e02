import { requireViewer } from '../context.js';
import { assertPermission } from '../kernel/auth/viewer.js';
import { asNode } from '../kernel/node-registry.js';
import type { DomainModule } from '../domain-module.js';
import { catalogResolvers } from './catalog-resolvers.js';
import { invoiceResolvers } from './invoice-resolvers.js';
import { reportResolvers } from './report-resolvers.js';

/** Billing: service catalog, invoices with line items, payments and refunds, reports. */
export const billingModule: DomainModule = {
  resolvers: [catalogResolvers, invoiceResolvers, reportResolvers],
  nodes: {
    ServiceCatalogItem: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'billing:read');
      return asNode('ServiceCatalogItem', await ctx.loaders.serviceCatalogItemById.load(uuid));
    },
    Invoice: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'billing:read');
      return asNode('Invoice', await ctx.loaders.invoiceById.load(uuid));
    },
    InvoiceLineItem: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'billing:read');
      const line = await ctx.loaders.lineItemById.load(uuid);
      // Through its invoice, so reading the line is recorded as access to the patient's record.
      if (line && !(await ctx.loaders.invoiceById.load(line.invoiceId))) return null;
      return asNode('InvoiceLineItem', line);
    },
    Payment: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'billing:read');
      return asNode('Payment', await ctx.loaders.paymentById.load(uuid));
    },
  },
};
