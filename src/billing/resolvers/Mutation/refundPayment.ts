import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../payment-service.js';

export const refundPayment: MutationResolvers['refundPayment'] = (_root, { input }, ctx) =>
  service.refundPayment(requireViewer(ctx), { ...input, paymentId: uuidFromId(input.paymentId, 'Payment', 'paymentId') });
