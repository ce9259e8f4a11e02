import type { RequestContext } from '../context.js';
import type { NodeResolvers, Resolvers, ResolversParentTypes } from '../generated/graphql.js';
import type { Permission } from './auth/permissions.js';
import { assertPermission } from './auth/viewer.js';
import { unauthenticated } from './errors.js';

/**
 * What a domain contributes to the server, and `node(id:)` fetching, the one way
 * every domain registers its types. Only types come from above the kernel (the
 * request context and the generated resolver types); nothing here names a domain.
 */

/** What a domain module contributes to the server (see src/modules.ts for the list). */
export interface DomainModule {
  resolvers: Resolvers | Resolvers[];
  /** GraphQL type name → loader by database id, for `node(id:)`. */
  nodes?: Partial<Record<NodeTypeName, NodeFetcher>>;
}

/** Loads one node type by database id for `node(id:)`; each domain registers its types. */
export type NodeFetcher = (ctx: RequestContext, uuid: string) => Promise<NodeValue | null>;

/** Any row that resolves as a `Node` (nodeFetcher stamps it with `__typename` for `Node.__resolveType`). */
export type NodeValue = ResolversParentTypes['Node'];

/** The GraphQL types implementing `Node`. */
export type NodeTypeName = NonNullable<Awaited<ReturnType<NonNullable<NodeResolvers['__resolveType']>>>>;

export type NodeRegistry = Map<string, NodeFetcher>;

/** A `node(id:)` fetcher that checks `permission` and loads through the request's loaders. */
export function nodeFetcher(
  type: NodeTypeName,
  /** null: any signed-in viewer (the type is scoped to the viewer's own organization). */
  permission: Permission | null,
  load: (ctx: RequestContext, uuid: string) => Promise<NodeValue | null>,
): NodeFetcher {
  return async (ctx, uuid) => {
    if (!ctx.viewer) throw unauthenticated();
    if (permission) assertPermission(ctx.viewer, permission);
    const row = await load(ctx, uuid);
    return row && Object.assign(row, { __typename: type });
  };
}
