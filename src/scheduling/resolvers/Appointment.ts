import type { AppointmentResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const Appointment: AppointmentResolvers = {
  id: (a) => toGlobalId('Appointment', a.id),
  appointmentId: (a) => a.id,
  patient: async (a, _args, ctx) => (await ctx.loaders.patientById.load(a.patientId))!,
  provider: async (a, _args, ctx) => (await ctx.loaders.userById.load(a.providerId))!,
  department: (a, _args, ctx) => (a.departmentId ? ctx.loaders.departmentById.load(a.departmentId) : null),
  startsAt: (a) => a.scheduledDatetime,
  endsAt: (a) => a.scheduledEndDatetime,
  durationMinutes: (a) => Math.round((a.scheduledEndDatetime.getTime() - a.scheduledDatetime.getTime()) / 60_000),
  queueEntry: (a, _args, ctx) => ctx.loaders.opdQueueEntryOfAppointment.load(a.id),
};
