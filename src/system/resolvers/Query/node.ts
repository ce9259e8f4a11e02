import type { QueryResolvers } from '../../../generated/graphql.js';
import { resolveNode } from '../../node-registry.js';

export const node: QueryResolvers['node'] = (_root, { id }, ctx) => resolveNode(ctx, id);
