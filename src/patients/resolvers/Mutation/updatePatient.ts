import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../patient-service.js';

export const updatePatient: MutationResolvers['updatePatient'] = async (_root, { input: { id, version, ...changes } }, ctx) => ({
  patient: await service.updatePatient(requireViewer(ctx), uuidFromId(id, 'Patient'), version, changes),
});
