import type { InvoiceResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { listLimit } from '../../kernel/pagination.js';
import { isOverdue } from '../invoice-accounting.js';
import { fromDatabase } from '../money.js';

export const Invoice: InvoiceResolvers = {
  id: (i) => toGlobalId('Invoice', i.id),
  invoiceId: (i) => i.id,
  patient: async (i, _args, ctx) => (await ctx.loaders.patientById.load(i.patientId))!,
  encounter: (i, _args, ctx) => (i.encounterId ? ctx.loaders.encounterById.load(i.encounterId) : null),
  createdBy: (i, _args, ctx) => (i.createdBy ? ctx.loaders.userById.load(i.createdBy) : null),
  overdue: async (i, _args, ctx) =>
    isOverdue({ status: i.status, balanceDue: fromDatabase(i.balanceDue), dueDate: i.dueDate }, (await ctx.loaders.billingClock()).today),
  lineItems: (i, _args, ctx) => ctx.loaders.lineItemsOfInvoice.load(i.id),
  payments: (i, { first }, ctx) => ctx.loaders.paymentsOfInvoice(listLimit(first)).load(i.id),
  adjustments: (i, { first }, ctx) => ctx.loaders.adjustmentsOfInvoice(listLimit(first)).load(i.id),
};
