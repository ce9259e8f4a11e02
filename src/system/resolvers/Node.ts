import type { NodeResolvers } from '../../generated/graphql.js';
import type { NodeTypeName } from '../../kernel/domain-module.js';

/** `nodeFetcher` (src/domain-module.ts) stamps every row it returns with its GraphQL type name. */
export const Node: NodeResolvers = {
  __resolveType: (node) => (node as { __typename?: NodeTypeName }).__typename ?? null,
};
