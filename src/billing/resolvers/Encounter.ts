import type { EncounterResolvers } from '../../generated/graphql.js';
import { listLimit } from '../../kernel/pagination.js';

/** The encounter's invoices, declared by `extend type Encounter` in schema/billing/invoices.graphql. */
export const Encounter: EncounterResolvers = {
  invoices: (e, { first }, ctx) => ctx.loaders.invoicesOfEncounter(listLimit(first)).load(e.id),
};
