import type { QueryResolvers } from '../../../generated/graphql.js';
import { resolveNode } from '../../node-registry.js';

export const nodes: QueryResolvers['nodes'] = (_root, { ids }, ctx) => Promise.all(ids.map((id) => resolveNode(ctx, id)));
