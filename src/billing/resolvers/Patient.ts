import type { PatientResolvers } from '../../generated/graphql.js';
import { connectionWithCount } from '../../kernel/loaders.js';
import { invoicePage } from '../loaders.js';

/** The patient's billing fields, declared by `extend type Patient` in schema/billing/invoices.graphql. */
export const Patient: PatientResolvers = {
  invoices: (p, args, ctx) => {
    const key = invoicePage(args, ctx.deps.cursors);
    return connectionWithCount(ctx.loaders.invoicesOfPatient(key).load(p.id), () => ctx.loaders.invoiceCountOfPatient(key.statuses).load(p.id));
  },
  balance: async (p, _args, ctx) => (await ctx.loaders.balanceOfPatient.load(p.id))?.balance ?? '0.00',
};
