import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../opd-queue-service.js';

export const callNextPatient: MutationResolvers['callNextPatient'] = async (_root, { departmentId }, ctx) => ({
  queueEntry: await service.callNextPatient(requireViewer(ctx), uuidFromId(departmentId, 'Department', 'departmentId')),
});
