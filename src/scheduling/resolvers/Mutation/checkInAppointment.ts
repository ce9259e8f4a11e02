import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../appointment-service.js';

export const checkInAppointment: MutationResolvers['checkInAppointment'] = async (_root, { input }, ctx) =>
  service.checkInAppointment(requireViewer(ctx), {
    id: uuidFromId(input.id, 'Appointment'),
    version: input.version,
    priority: input.priority ?? 'NORMAL',
    departmentId: optionalUuidFromId(input.departmentId, 'Department', 'departmentId'),
  });
