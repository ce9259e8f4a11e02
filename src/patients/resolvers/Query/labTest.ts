import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const labTest: QueryResolvers['labTest'] = (_root, { id }, ctx) => ctx.loaders.labTestById.load(uuidFromId(id, 'LabTest'));
