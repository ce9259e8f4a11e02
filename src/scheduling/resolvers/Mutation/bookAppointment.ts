import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../appointment-service.js';

export const bookAppointment: MutationResolvers['bookAppointment'] = async (_root, { input }, ctx) => ({
  appointment: await service.bookAppointment(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    providerId: uuidFromId(input.providerId, 'User', 'providerId'),
    departmentId: optionalUuidFromId(input.departmentId, 'Department', 'departmentId'),
  }),
});
