import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../appointment-service.js';

export const cancelAppointment: MutationResolvers['cancelAppointment'] = async (_root, { input }, ctx) => ({
  appointment: await service.cancelAppointment(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Appointment') }),
});
