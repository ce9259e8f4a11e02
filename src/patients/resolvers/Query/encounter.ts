import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';

export const encounter: QueryResolvers['encounter'] = (_root, { id }, ctx) => ctx.loaders.encounterById.load(uuidFromId(id, 'Encounter'));
