import type { EncounterResolvers } from '../../generated/graphql.js';

/** `extend type Encounter` in schema/workflows/instances.graphql. */
export const Encounter: EncounterResolvers = {
  workflow: (e, _args, ctx) => ctx.loaders.workflowOfEntity('ENCOUNTER').load(e.id),
};
