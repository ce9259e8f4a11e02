import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../opd-queue-service.js';

export const enqueueWalkIn: MutationResolvers['enqueueWalkIn'] = async (_root, { input }, ctx) => ({
  queueEntry: await service.enqueueWalkIn(requireViewer(ctx), {
    departmentId: uuidFromId(input.departmentId, 'Department', 'departmentId'),
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    priority: input.priority ?? 'NORMAL',
    notes: input.notes,
  }),
});
