import { requireViewer, type RequestContext } from '../context.js';
import type { Permission } from './auth/permissions.js';
import { assertPermission } from './auth/viewer.js';

/** Loads one node type by database id for `node(id:)`; each domain registers its types. */
export type NodeFetcher = (ctx: RequestContext, uuid: string) => Promise<object | null>;

export type NodeRegistry = Map<string, NodeFetcher>;

/** Marks a row with its GraphQL type so `Node.__resolveType` can tell what it is. */
export function asNode<T extends object>(type: string, row: T | null): (T & { __typename: string }) | null {
  return row ? Object.assign(row, { __typename: type }) : null;
}

/** A `node(id:)` fetcher that checks `permission` and loads through the request's loaders. */
export function nodeFetcher(
  type: string,
  permission: Permission,
  load: (ctx: RequestContext, uuid: string) => Promise<object | null>,
): NodeFetcher {
  return async (ctx, uuid) => {
    assertPermission(requireViewer(ctx).viewer, permission);
    return asNode(type, await load(ctx, uuid));
  };
}
