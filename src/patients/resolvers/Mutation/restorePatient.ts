import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../patient-service.js';

export const restorePatient: MutationResolvers['restorePatient'] = async (_root, { input }, ctx) => ({
  patient: await service.restorePatient(requireViewer(ctx), uuidFromId(input.id, 'Patient')),
});
