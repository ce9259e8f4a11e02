import type { DrugAllergyResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const DrugAllergy: DrugAllergyResolvers = {
  id: (a) => toGlobalId('DrugAllergy', a.id),
  drugAllergyId: (a) => a.id,
  patient: async (a, _args, ctx) => (await ctx.loaders.patientById.load(a.patientId))!,
  recordedBy: (a, _args, ctx) => (a.recordedBy ? ctx.loaders.userById.load(a.recordedBy) : null),
};
