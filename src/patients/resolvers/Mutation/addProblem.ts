import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../problem-service.js';

export const addProblem: MutationResolvers['addProblem'] = async (_root, { input }, ctx) => ({
  problem: await service.addProblem(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
  }),
});
