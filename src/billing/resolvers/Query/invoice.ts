import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const invoice: QueryResolvers['invoice'] = (_root, { id }, ctx) => ctx.loaders.invoiceById.load(uuidFromId(id, 'Invoice'));
