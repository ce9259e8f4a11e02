import type { LabTestResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { listLimit } from '../../kernel/pagination.js';

export const LabTest: LabTestResolvers = {
  id: (t) => toGlobalId('LabTest', t.id),
  labTestId: (t) => t.id,
  patient: async (t, _args, ctx) => (await ctx.loaders.patientById.load(t.patientId))!,
  encounter: (t, _args, ctx) => (t.encounterId ? ctx.loaders.encounterById.load(t.encounterId) : null),
  orderedBy: async (t, _args, ctx) => (await ctx.loaders.userById.load(t.orderedBy))!,
  results: (t, { first }, ctx) => ctx.loaders.labResultsOfLabTest(listLimit(first)).load(t.id),
};
