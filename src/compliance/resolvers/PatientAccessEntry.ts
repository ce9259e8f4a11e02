import type { PatientAccessEntryResolvers } from '../../generated/graphql.js';

export const PatientAccessEntry: PatientAccessEntryResolvers = {
  actor: (e, _args, ctx) => (e.actorId ? ctx.loaders.userById.load(e.actorId) : null),
};
