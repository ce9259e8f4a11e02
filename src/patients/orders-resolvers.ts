import type { Resolvers } from '../generated/graphql.js';
import type { NodeFetcher } from '../kernel/node-registry.js';

export const ordersResolvers: Resolvers = {};

/** Node types of this area for `node(id:)`. */
export const ordersNodes: Record<string, NodeFetcher> = {};
