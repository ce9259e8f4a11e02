import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../imaging-order-service.js';

export const recordAnatomyFinding: MutationResolvers['recordAnatomyFinding'] = async (_root, { input }, ctx) => ({
  anatomyFinding: await service.recordAnatomyFinding(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
    bodySystemId: uuidFromId(input.bodySystemId, 'BodySystem', 'bodySystemId'),
    observedAt: input.observedAt ?? null,
  }),
});
