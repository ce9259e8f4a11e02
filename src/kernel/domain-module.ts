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

/** The request's loaders that load one node by its database id (`invoiceById`, …). */
export type ByIdLoaderName = {
  [K in keyof RequestContext['loaders']]: RequestContext['loaders'][K] extends { load(uuid: string): Promise<NodeValue | null> } ? K : never;
}[keyof RequestContext['loaders']];

/**
 * A `node(id:)` fetcher that checks `permission` and loads through the request's loaders: the by-id loader
 * named, or `load` where the node needs more than one.
 */
export function nodeFetcher(
  type: NodeTypeName,
  /** null: any signed-in viewer (the type is scoped to the viewer's own organization). */
  permission: Permission | null,
  loader: ByIdLoaderName | ((ctx: RequestContext, uuid: string) => Promise<NodeValue | null>),
): NodeFetcher {
  const load = typeof loader === 'function' ? loader : (ctx: RequestContext, uuid: string) => byId(ctx, loader).load(uuid);
  return async (ctx, uuid) => {
    if (!ctx.viewer) throw unauthenticated();
    if (permission) assertPermission(ctx.viewer, permission);
    const row = await load(ctx, uuid);
    return row && Object.assign(row, { __typename: type });
  };
}

/** The node fetchers of types sharing one permission, each loaded by the by-id loader named beside it. */
export function nodesByLoader(
  permission: Permission | null,
  loaders: Partial<Record<NodeTypeName, ByIdLoaderName>>,
): Partial<Record<NodeTypeName, NodeFetcher>> {
  return Object.fromEntries(
    Object.entries(loaders).map(([type, loader]) => [type, nodeFetcher(type as NodeTypeName, permission, loader)]),
  );
}

function byId(ctx: RequestContext, name: ByIdLoaderName): { load(uuid: string): Promise<NodeValue | null> } {
  return ctx.loaders[name];
}
