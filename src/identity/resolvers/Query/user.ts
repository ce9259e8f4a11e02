import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const user: QueryResolvers['user'] = (_root, { id }, ctx) => ctx.loaders.userById.load(uuidFromId(id, 'User'));
