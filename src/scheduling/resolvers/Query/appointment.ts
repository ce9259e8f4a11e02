import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const appointment: QueryResolvers['appointment'] = (_root, { id }, ctx) => ctx.loaders.appointmentById.load(uuidFromId(id, 'Appointment'));
