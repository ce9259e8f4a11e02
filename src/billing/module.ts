import { nodeFetcher, nodesByLoader, type DomainModule } from '../kernel/domain-module.js';
import { Encounter } from './resolvers/Encounter.js';
import { Invoice } from './resolvers/Invoice.js';
import { InvoiceLineItem } from './resolvers/InvoiceLineItem.js';
import { InvoiceAdjustment } from './resolvers/InvoiceAdjustment.js';
import { addInvoiceLineItem } from './resolvers/Mutation/addInvoiceLineItem.js';
import { adjustInvoice } from './resolvers/Mutation/adjustInvoice.js';
import { createInvoice } from './resolvers/Mutation/createInvoice.js';
import { createServiceCatalogItem } from './resolvers/Mutation/createServiceCatalogItem.js';
import { deactivateServiceCatalogItem } from './resolvers/Mutation/deactivateServiceCatalogItem.js';
import { issueInvoice } from './resolvers/Mutation/issueInvoice.js';
import { recordPayment } from './resolvers/Mutation/recordPayment.js';
import { refundPayment } from './resolvers/Mutation/refundPayment.js';
import { removeInvoiceLineItem } from './resolvers/Mutation/removeInvoiceLineItem.js';
import { updateServiceCatalogItem } from './resolvers/Mutation/updateServiceCatalogItem.js';
import { voidInvoice } from './resolvers/Mutation/voidInvoice.js';
import { Patient } from './resolvers/Patient.js';
import { Payment } from './resolvers/Payment.js';
import { invoice } from './resolvers/Query/invoice.js';
import { invoices } from './resolvers/Query/invoices.js';
import { payment } from './resolvers/Query/payment.js';
import { receivablesAging } from './resolvers/Query/receivablesAging.js';
import { revenueReport } from './resolvers/Query/revenueReport.js';
import { serviceCatalog } from './resolvers/Query/serviceCatalog.js';
import { serviceCatalogItem } from './resolvers/Query/serviceCatalogItem.js';
import { ServiceCatalogItem } from './resolvers/ServiceCatalogItem.js';

/** Billing: service catalog, invoices with line items, payments, refunds and adjustments, reports. */
export const billingModule: DomainModule = {
  resolvers: {
    Query: { serviceCatalogItem, serviceCatalog, invoice, invoices, payment, revenueReport, receivablesAging },
    Mutation: {
      createServiceCatalogItem,
      updateServiceCatalogItem,
      deactivateServiceCatalogItem,
      createInvoice,
      addInvoiceLineItem,
      removeInvoiceLineItem,
      issueInvoice,
      voidInvoice,
      adjustInvoice,
      recordPayment,
      refundPayment,
    },
    ServiceCatalogItem,
    Invoice,
    InvoiceLineItem,
    InvoiceAdjustment,
    Payment,
    Patient,
    Encounter,
  },
  nodes: {
    ...nodesByLoader('billing:read', {
      ServiceCatalogItem: 'serviceCatalogItemById',
      Invoice: 'invoiceById',
      Payment: 'paymentById',
      InvoiceAdjustment: 'adjustmentById',
    }),
    InvoiceLineItem: nodeFetcher('InvoiceLineItem', 'billing:read', async (ctx, uuid) => {
      const line = await ctx.loaders.lineItemById.load(uuid);
      // Through its invoice, so reading the line is recorded as access to the patient's record.
      return line && (await ctx.loaders.invoiceById.load(line.invoiceId)) ? line : null;
    }),
  },
};
