import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const payment: QueryResolvers['payment'] = (_root, { id }, ctx) => ctx.loaders.paymentById.load(uuidFromId(id, 'Payment'));
