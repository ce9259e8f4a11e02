import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../imaging-order-service.js';

export const orderImaging: MutationResolvers['orderImaging'] = async (_root, { input }, ctx) => ({
  imagingOrder: await service.orderImaging(requireViewer(ctx), {
    ...input,
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
    bodySystemId: optionalUuidFromId(input.bodySystemId, 'BodySystem', 'bodySystemId'),
  }),
});
