import { nodeFetcher, type DomainModule } from '../domain-module.js';
import { appointmentResolvers } from './appointment-resolvers.js';
import { departmentResolvers } from './department-resolvers.js';
import { queueResolvers } from './queue-resolvers.js';

/** Departments, appointments and the OPD queue with its live subscription. */
export const schedulingModule: DomainModule = {
  resolvers: [departmentResolvers, appointmentResolvers, queueResolvers],
  nodes: {
    Department: nodeFetcher('Department', 'scheduling:read', (ctx, uuid) => ctx.loaders.departmentById.load(uuid)),
    Appointment: nodeFetcher('Appointment', 'scheduling:read', (ctx, uuid) => ctx.loaders.appointmentById.load(uuid)),
    OpdQueueEntry: nodeFetcher('OpdQueueEntry', 'scheduling:read', (ctx, uuid) => ctx.loaders.opdQueueEntryById.load(uuid)),
  },
};
