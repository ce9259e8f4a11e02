import type { PaymentResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { listLimit } from '../../kernel/pagination.js';
import { formatMoney, fromDatabase } from '../money.js';

export const Payment: PaymentResolvers = {
  id: (p) => toGlobalId('Payment', p.id),
  paymentId: (p) => p.id,
  invoice: async (p, _args, ctx) => (await ctx.loaders.invoiceById.load(p.invoiceId))!,
  refundableAmount: (p) => (p.kind === 'PAYMENT' ? formatMoney(fromDatabase(p.amount) - fromDatabase(p.refundedAmount)) : '0.00'),
  refundOf: (p, _args, ctx) => (p.refundOfPaymentId ? ctx.loaders.paymentById.load(p.refundOfPaymentId) : null),
  refunds: (p, { first }, ctx) => {
    const limit = listLimit(first);
    return p.kind === 'PAYMENT' ? ctx.loaders.refundsOfPayment(limit).load(p.id) : [];
  },
  receivedBy: (p, _args, ctx) => (p.receivedBy ? ctx.loaders.userById.load(p.receivedBy) : null),
};
