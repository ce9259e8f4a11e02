import type { OpdQueueEntryResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const OpdQueueEntry: OpdQueueEntryResolvers = {
  id: (e) => toGlobalId('OpdQueueEntry', e.id),
  entryId: (e) => e.id,
  department: async (e, _args, ctx) => (await ctx.loaders.departmentById.load(e.departmentId))!,
  patient: async (e, _args, ctx) => (await ctx.loaders.patientById.load(e.patientId))!,
  appointment: (e, _args, ctx) => (e.appointmentId ? ctx.loaders.appointmentById.load(e.appointmentId) : null),
  position: async (e, _args, ctx) => (await ctx.loaders.opdQueueStandingById.load(e.id))?.position ?? null,
  estimatedWaitMinutes: async (e, _args, ctx) => (await ctx.loaders.opdQueueStandingById.load(e.id))?.estimatedWaitMinutes ?? null,
  calledBy: (e, _args, ctx) => (e.calledBy ? ctx.loaders.userById.load(e.calledBy) : null),
};
