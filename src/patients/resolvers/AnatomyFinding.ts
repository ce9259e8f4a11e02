import type { AnatomyFindingResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const AnatomyFinding: AnatomyFindingResolvers = {
  id: (f) => toGlobalId('AnatomyFinding', f.id),
  anatomyFindingId: (f) => f.id,
  patient: async (f, _args, ctx) => (await ctx.loaders.patientById.load(f.patientId))!,
  encounter: (f, _args, ctx) => (f.encounterId ? ctx.loaders.encounterById.load(f.encounterId) : null),
  bodySystem: async (f, _args, ctx) => (await ctx.loaders.bodySystemById.load(f.bodySystemId))!,
  recordedBy: (f, _args, ctx) => (f.recordedBy ? ctx.loaders.userById.load(f.recordedBy) : null),
};
