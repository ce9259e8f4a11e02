import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../payment-service.js';

export const recordPayment: MutationResolvers['recordPayment'] = (_root, { input }, ctx) =>
  service.recordPayment(requireViewer(ctx), { ...input, invoiceId: uuidFromId(input.invoiceId, 'Invoice', 'invoiceId') });
