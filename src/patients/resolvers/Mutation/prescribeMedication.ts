import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../prescription-service.js';

export const prescribeMedication: MutationResolvers['prescribeMedication'] = async (_root, { input }, ctx) => ({
  prescription: await service.prescribeMedication(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
  }),
});
