import type { VitalSignsResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const VitalSigns: VitalSignsResolvers = {
  id: (v) => toGlobalId('VitalSigns', v.id),
  vitalSignsId: (v) => v.id,
  recordedBy: (v, _args, ctx) => (v.recordedBy ? ctx.loaders.userById.load(v.recordedBy) : null),
  status: async (v, _args, ctx) => ((await ctx.loaders.vitalSignsErrorById.load(v.id)) ? 'ENTERED_IN_ERROR' : 'RECORDED'),
  enteredInError: (v, _args, ctx) => ctx.loaders.vitalSignsErrorById.load(v.id),
};
