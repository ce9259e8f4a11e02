import type { InvoiceAdjustmentResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const InvoiceAdjustment: InvoiceAdjustmentResolvers = {
  id: (a) => toGlobalId('InvoiceAdjustment', a.id),
  adjustmentId: (a) => a.id,
  createdBy: (a, _args, ctx) => ctx.loaders.userById.load(a.createdBy),
};
