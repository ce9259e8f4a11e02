import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const department: QueryResolvers['department'] = (_root, { id }, ctx) => ctx.loaders.departmentById.load(uuidFromId(id, 'Department'));
