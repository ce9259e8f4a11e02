import { requireViewer, type RequestContext } from './context.js';
import type { Resolvers } from './generated/graphql.js';
import type { Permission } from './kernel/auth/permissions.js';
import { assertPermission } from './kernel/auth/viewer.js';
import { asNode } from './kernel/node-registry.js';

/**
 * What a domain contributes to the server, and `node(id:)` fetching, the one way
 * every domain registers its types: here, not in the kernel, because both need
 * the app's request context (viewer, loaders) and generated resolver types.
 */

/** What a domain module contributes to the server (see src/modules.ts for the list). */
export interface DomainModule {
  resolvers: Resolvers | Resolvers[];
  /** GraphQL type name → loader by database id, for `node(id:)`. */
  nodes?: Record<string, NodeFetcher>;
}

/** Loads one node type by database id for `node(id:)`; each domain registers its types. */
export type NodeFetcher = (ctx: RequestContext, uuid: string) => Promise<object | null>;

export type NodeRegistry = Map<string, NodeFetcher>;

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
