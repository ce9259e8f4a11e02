import type { PrescriptionResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const Prescription: PrescriptionResolvers = {
  id: (p) => toGlobalId('Prescription', p.id),
  prescriptionId: (p) => p.id,
  patient: async (p, _args, ctx) => (await ctx.loaders.patientById.load(p.patientId))!,
  encounter: (p, _args, ctx) => (p.encounterId ? ctx.loaders.encounterById.load(p.encounterId) : null),
  prescriber: async (p, _args, ctx) => (await ctx.loaders.userById.load(p.prescriberId))!,
};
