import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId, uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../invoice-service.js';

export const createInvoice: MutationResolvers['createInvoice'] = async (_root, { input }, ctx) => ({
  invoice: await service.createInvoice(requireViewer(ctx), {
    patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
    encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
    items: (input.items ?? []).map((item, i) => ({
      ...item,
      serviceCatalogItemId: uuidFromId(item.serviceCatalogItemId, 'ServiceCatalogItem', `items.${i}.serviceCatalogItemId`),
    })),
    notes: input.notes,
  }),
});
