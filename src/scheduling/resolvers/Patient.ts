import type { PatientResolvers } from '../../generated/graphql.js';
import { connectionWithCount } from '../../kernel/loaders.js';
import { pageRequest } from '../../kernel/pagination.js';

/** The patient's appointments, declared by `extend type Patient` in schema/scheduling/appointments.graphql. */
export const Patient: PatientResolvers = {
  appointments: (p, args, ctx) => {
    const page = pageRequest(args, 'patient.appointments', ctx.deps.cursors);
    const filter = { statuses: args.status?.length ? [...args.status] : null, from: args.from ?? null };
    return connectionWithCount(ctx.loaders.appointmentsOfPatient({ page, ...filter }).load(p.id), () => ctx.loaders.appointmentCountOfPatient(filter).load(p.id));
  },
};
