import type { ProblemResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const Problem: ProblemResolvers = {
  id: (p) => toGlobalId('Problem', p.id),
  problemId: (p) => p.id,
  patient: async (p, _args, ctx) => (await ctx.loaders.patientById.load(p.patientId))!,
  encounter: (p, _args, ctx) => (p.encounterId ? ctx.loaders.encounterById.load(p.encounterId) : null),
  recordedBy: (p, _args, ctx) => (p.recordedBy ? ctx.loaders.userById.load(p.recordedBy) : null),
};
