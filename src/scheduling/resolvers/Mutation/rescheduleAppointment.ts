import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../appointment-service.js';

export const rescheduleAppointment: MutationResolvers['rescheduleAppointment'] = async (_root, { input }, ctx) => ({
  appointment: await service.rescheduleAppointment(requireViewer(ctx), {
    ...input,
    id: uuidFromId(input.id, 'Appointment'),
    providerId: optionalUuidFromId(input.providerId, 'User', 'providerId'),
  }),
});
