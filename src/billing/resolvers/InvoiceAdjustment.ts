import type { InvoiceAdjustmentResolvers } from '../../generated/graphql.js';

export const InvoiceAdjustment: InvoiceAdjustmentResolvers = {
  adjustmentId: (a) => a.id,
  createdBy: (a, _args, ctx) => ctx.loaders.userById.load(a.createdBy),
};
