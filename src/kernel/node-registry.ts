import type { RequestContext } from '../context.js';

/** Loads one node type by database id for `node(id:)`; each domain registers its types. */
export type NodeFetcher = (ctx: RequestContext, uuid: string) => Promise<object | null>;

export type NodeRegistry = Map<string, NodeFetcher>;

/** Marks a row with its GraphQL type so `Node.__resolveType` can tell what it is. */
export function asNode<T extends object>(type: string, row: T | null): (T & { __typename: string }) | null {
  return row ? Object.assign(row, { __typename: type }) : null;
}
