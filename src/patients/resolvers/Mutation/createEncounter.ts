import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../encounter-service.js';

export const createEncounter: MutationResolvers['createEncounter'] = async (_root, { input }, ctx) => ({
  encounter: await service.createEncounter(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    providerId: optionalUuidFromId(input.providerId, 'User', 'providerId'),
    departmentId: input.departmentId ?? null,
    encounterAt: input.encounterAt ?? null,
    scheduledAt: input.scheduledAt ?? null,
  }),
});
