import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../vital-signs-service.js';

export const recordVitalSigns: MutationResolvers['recordVitalSigns'] = async (_root, { input }, ctx) => ({
  vitalSigns: await service.recordVitalSigns(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
    recordedAt: input.recordedAt ?? null,
  }),
});
