import type { VitalSignsEnteredInErrorResolvers } from '../../generated/graphql.js';

export const VitalSignsEnteredInError: VitalSignsEnteredInErrorResolvers = {
  markedBy: (e, _args, ctx) => ctx.loaders.userById.load(e.markedBy),
};
