import { connectionWithCount } from '../kernel/loaders.js';
import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { badInput } from '../kernel/errors.js';
import { toGlobalId, uuidFromId, optionalUuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './appointment-repository.js';
import * as service from './appointment-service.js';

export const appointmentResolvers: Resolvers = {
  Query: {
    appointment: (_root, { id }, ctx) => ctx.loaders.appointmentById.load(uuidFromId(id, 'Appointment')),
    appointments: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'appointments:startsAt', ctx.deps.cursors);
      const f = args.filter;
      const filter: repo.AppointmentListFilter = {
        from: f?.from ?? null,
        to: f?.to ?? null,
        providerId: optionalUuidFromId(f?.providerId, 'User', 'filter.providerId'),
        departmentId: optionalUuidFromId(f?.departmentId, 'Department', 'filter.departmentId'),
        patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
        statuses: f?.status?.length ? f.status : null,
      };
      if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.from must be before filter.to', 'filter.from');
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.appointmentPage(tx, org, filter, page));
      for (const row of rows) loaders.appointmentById.prime(row.id, row);
      const connection = toConnection(rows, page, (a) => [a.sortKey, a.id]);
      session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
      return withTotalCount(connection, () => session.read((tx) => repo.countAppointments(tx, org, filter))) as never;
    },
  },
  Mutation: {
    bookAppointment: async (_root, { input }, ctx) => ({
      appointment: await service.bookAppointment(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        providerId: uuidFromId(input.providerId, 'User', 'providerId'),
        departmentId: optionalUuidFromId(input.departmentId, 'Department', 'departmentId'),
      }),
    }),
    rescheduleAppointment: async (_root, { input }, ctx) => ({
      appointment: await service.rescheduleAppointment(requireViewer(ctx), {
        ...input,
        id: uuidFromId(input.id, 'Appointment'),
        providerId: optionalUuidFromId(input.providerId, 'User', 'providerId'),
      }),
    }),
    cancelAppointment: async (_root, { input }, ctx) => ({
      appointment: await service.cancelAppointment(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Appointment') }),
    }),
    markNoShow: async (_root, { input }, ctx) => ({
      appointment: await service.markNoShow(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Appointment') }),
    }),
    checkInAppointment: async (_root, { input }, ctx) =>
      service.checkInAppointment(requireViewer(ctx), {
        id: uuidFromId(input.id, 'Appointment'),
        version: input.version,
        priority: input.priority ?? 'NORMAL',
        departmentId: optionalUuidFromId(input.departmentId, 'Department', 'departmentId'),
      }),
  },
  Patient: {
    appointments: (p, args, ctx) => {
      const page = pageRequest(args, 'patient.appointments', ctx.deps.cursors);
      const filter = { statuses: args.status?.length ? [...args.status] : null, from: args.from ?? null };
      return connectionWithCount(ctx.loaders.appointmentsOfPatient({ page, ...filter }).load(p.id), () => ctx.loaders.appointmentCountOfPatient(filter).load(p.id)) as never;
    },
  },
  Appointment: {
    id: (a) => toGlobalId('Appointment', a.id),
    appointmentId: (a) => a.id,
    patient: async (a, _args, ctx) => (await ctx.loaders.patientById.load(a.patientId))!,
    provider: async (a, _args, ctx) => (await ctx.loaders.userById.load(a.providerId))!,
    department: (a, _args, ctx) => (a.departmentId ? ctx.loaders.departmentById.load(a.departmentId) : null),
    startsAt: (a) => a.scheduledDatetime,
    endsAt: (a) => a.scheduledEndDatetime,
    durationMinutes: (a) => Math.round((a.scheduledEndDatetime.getTime() - a.scheduledDatetime.getTime()) / 60_000),
    queueEntry: (a, _args, ctx) => ctx.loaders.opdQueueEntryOfAppointment.load(a.id),
  },
};
