import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../patient-death-service.js';

export const undoPatientDeath: MutationResolvers['undoPatientDeath'] = async (_root, { input }, ctx) => ({
  patient: await service.undoPatientDeath(requireViewer(ctx), {
    id: uuidFromId(input.id, 'Patient'),
    version: input.version,
    reason: input.reason,
  }),
});
