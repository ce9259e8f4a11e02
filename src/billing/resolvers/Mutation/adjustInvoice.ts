import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../adjustment-service.js';

export const adjustInvoice: MutationResolvers['adjustInvoice'] = (_root, { input }, ctx) =>
  service.adjustInvoice(requireViewer(ctx), { ...input, invoiceId: uuidFromId(input.invoiceId, 'Invoice', 'invoiceId') });
