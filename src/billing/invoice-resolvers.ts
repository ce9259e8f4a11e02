import { connectionWithCount } from '../kernel/loaders.js';
import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { badInput } from '../kernel/errors.js';
import { toGlobalId, uuidFromId, optionalUuidFromId } from '../kernel/global-id.js';
import { listLimit, pageRequest, statusFilter, toConnection, withTotalCount } from '../kernel/pagination.js';
import { invoicePage } from './loaders.js';
import * as repo from './invoice-repository.js';
import { COLLECTABLE, type InvoiceStatus } from './invoice-rules.js';
import * as invoiceService from './invoice-service.js';
import { storedLineAmounts } from './invoice-totals.js';
import { formatMoney, fromDatabase, percentFromDatabase } from './money.js';
import * as paymentService from './payment-service.js';

/** Collectable, with a balance left, and past its due date (organization time zone). */
function isOverdue(i: repo.InvoiceRow, today: string): boolean {
  return COLLECTABLE.includes(i.status as InvoiceStatus) && fromDatabase(i.balanceDue) > 0n && i.dueDate !== null && i.dueDate < today;
}

export const invoiceResolvers: Resolvers = {
  Query: {
    invoice: (_root, { id }, ctx) => ctx.loaders.invoiceById.load(uuidFromId(id, 'Invoice')),
    payment: (_root, { id }, ctx) => ctx.loaders.paymentById.load(uuidFromId(id, 'Payment')),
    invoices: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'invoices:number', ctx.deps.cursors);
      const f = args.filter;
      if (f?.issuedFrom && f.issuedTo && f.issuedFrom > f.issuedTo) {
        throw badInput('filter.issuedFrom must not be after filter.issuedTo', 'filter.issuedFrom');
      }
      const clock = await loaders.billingClock();
      const filter: repo.InvoiceListFilter = {
        patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
        statuses: statusFilter(f?.status),
        issuedFrom: f?.issuedFrom ?? null,
        issuedTo: f?.issuedTo ?? null,
        overdue: f?.overdue ?? null,
        today: clock.today,
        timezone: clock.timezone,
      };
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.invoicePage(tx, org, filter, page));
      for (const row of rows) loaders.invoiceById.prime(row.id, row);
      const connection = toConnection(rows, page, (i) => [i.invoiceSeq]);
      session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
      return withTotalCount(connection, () => session.read((tx) => repo.countInvoices(tx, org, filter))) as never;
    },
  },
  Mutation: {
    createInvoice: async (_root, { input }, ctx) => ({
      invoice: await invoiceService.createInvoice(requireViewer(ctx), {
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
        items: (input.items ?? []).map((item, i) => ({
          ...item,
          serviceCatalogItemId: uuidFromId(item.serviceCatalogItemId, 'ServiceCatalogItem', `items.${i}.serviceCatalogItemId`),
        })),
        notes: input.notes,
      }),
    }),
    addInvoiceLineItem: (_root, { input }, ctx) =>
      invoiceService.addLineItem(requireViewer(ctx), {
        ...input,
        invoiceId: uuidFromId(input.invoiceId, 'Invoice', 'invoiceId'),
        serviceCatalogItemId: uuidFromId(input.serviceCatalogItemId, 'ServiceCatalogItem', 'serviceCatalogItemId'),
      }),
    removeInvoiceLineItem: async (_root, { input }, ctx) => ({
      invoice: await invoiceService.removeLineItem(requireViewer(ctx), {
        lineItemId: uuidFromId(input.lineItemId, 'InvoiceLineItem', 'lineItemId'),
        version: input.version,
      }),
    }),
    issueInvoice: async (_root, { input }, ctx) => ({
      invoice: await invoiceService.issueInvoice(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Invoice') }),
    }),
    voidInvoice: async (_root, { input }, ctx) => ({
      invoice: await invoiceService.voidInvoice(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Invoice') }),
    }),
    recordPayment: (_root, { input }, ctx) =>
      paymentService.recordPayment(requireViewer(ctx), { ...input, invoiceId: uuidFromId(input.invoiceId, 'Invoice', 'invoiceId') }),
    refundPayment: (_root, { input }, ctx) =>
      paymentService.refundPayment(requireViewer(ctx), { ...input, paymentId: uuidFromId(input.paymentId, 'Payment', 'paymentId') }),
  },
  Invoice: {
    id: (i) => toGlobalId('Invoice', i.id),
    invoiceId: (i) => i.id,
    status: (i) => i.status as never,
    patient: async (i, _args, ctx) => (await ctx.loaders.patientById.load(i.patientId))!,
    encounter: (i, _args, ctx) => (i.encounterId ? ctx.loaders.encounterById.load(i.encounterId) : null),
    createdBy: (i, _args, ctx) => (i.createdBy ? ctx.loaders.userById.load(i.createdBy) : null),
    overdue: async (i, _args, ctx) => isOverdue(i, (await ctx.loaders.billingClock()).today),
    lineItems: (i, _args, ctx) => ctx.loaders.lineItemsOfInvoice.load(i.id),
    payments: (i, { first }, ctx) => ctx.loaders.paymentsOfInvoice(listLimit(first)).load(i.id),
  },
  InvoiceLineItem: {
    id: (l) => toGlobalId('InvoiceLineItem', l.id),
    lineItemId: (l) => l.id,
    serviceCatalogItem: (l, _args, ctx) =>
      l.serviceCatalogItemId ? ctx.loaders.serviceCatalogItemById.load(l.serviceCatalogItemId) : null,
    amount: (l) => formatMoney(storedLineAmounts(l).amount),
    taxRatePercent: (l) => percentFromDatabase(l.taxRate),
  },
  Payment: {
    id: (p) => toGlobalId('Payment', p.id),
    paymentId: (p) => p.id,
    kind: (p) => p.kind as never,
    method: (p) => p.method as never,
    status: (p) => p.status as never,
    invoice: async (p, _args, ctx) => (await ctx.loaders.invoiceById.load(p.invoiceId))!,
    refundableAmount: (p) => (p.kind === 'PAYMENT' ? formatMoney(fromDatabase(p.amount) - fromDatabase(p.refundedAmount)) : '0.00'),
    refundOf: (p, _args, ctx) => (p.refundOfPaymentId ? ctx.loaders.paymentById.load(p.refundOfPaymentId) : null),
    refunds: (p, { first }, ctx) => {
      const limit = listLimit(first);
      return p.kind === 'PAYMENT' ? ctx.loaders.refundsOfPayment(limit).load(p.id) : [];
    },
    receivedBy: (p, _args, ctx) => (p.receivedBy ? ctx.loaders.userById.load(p.receivedBy) : null),
  },
  Patient: {
    invoices: (p, args, ctx) => {
      const key = invoicePage(args, ctx.deps.cursors);
      return connectionWithCount(ctx.loaders.invoicesOfPatient(key).load(p.id), () => ctx.loaders.invoiceCountOfPatient(key.statuses).load(p.id)) as never;
    },
    balance: async (p, _args, ctx) => (await ctx.loaders.balanceOfPatient.load(p.id))?.balance ?? '0.00',
  },
  Encounter: {
    invoices: (e, { first }, ctx) => ctx.loaders.invoicesOfEncounter(listLimit(first)).load(e.id),
  },
};
