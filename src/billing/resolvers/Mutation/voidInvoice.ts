import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../invoice-service.js';

export const voidInvoice: MutationResolvers['voidInvoice'] = async (_root, { input }, ctx) => ({
  invoice: await service.voidInvoice(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Invoice') }),
});
