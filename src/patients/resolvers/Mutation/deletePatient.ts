import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../patient-service.js';

export const deletePatient: MutationResolvers['deletePatient'] = async (_root, { input }, ctx) => {
  const id = uuidFromId(input.id, 'Patient');
  await service.deletePatient(requireViewer(ctx), id, input.version);
  return { deletedPatientId: toGlobalId('Patient', id) };
};
