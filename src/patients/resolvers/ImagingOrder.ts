import type { ImagingOrderResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const ImagingOrder: ImagingOrderResolvers = {
  id: (o) => toGlobalId('ImagingOrder', o.id),
  imagingOrderId: (o) => o.id,
  patient: async (o, _args, ctx) => (await ctx.loaders.patientById.load(o.patientId))!,
  encounter: (o, _args, ctx) => (o.encounterId ? ctx.loaders.encounterById.load(o.encounterId) : null),
  orderedBy: async (o, _args, ctx) => (await ctx.loaders.userById.load(o.orderedBy))!,
  bodySystem: (o, _args, ctx) => (o.bodySystemId ? ctx.loaders.bodySystemById.load(o.bodySystemId) : null),
  reportedBy: (o, _args, ctx) => (o.reportedBy ? ctx.loaders.userById.load(o.reportedBy) : null),
};
