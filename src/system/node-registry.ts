import { fromGlobalId } from '../kernel/global-id.js';
import type { RequestContext } from '../context.js';
import type { NodeFetcher } from '../kernel/domain-module.js';
import { modules } from '../modules.js';

/** GraphQL type name → its domain's `node(id:)` fetcher; fixed when the process loads its modules. */
const fetchers: ReadonlyMap<string, NodeFetcher> = new Map(modules.flatMap((m) => Object.entries(m.nodes ?? {})));

/** The node a global ID names, through its domain's fetcher (which checks permission); null when unknown. */
export function resolveNode(ctx: RequestContext, id: string): ReturnType<NodeFetcher> | null {
  const parsed = fromGlobalId(id);
  const fetch = parsed && fetchers.get(parsed.type);
  return fetch ? fetch(ctx, parsed.uuid) : null;
}
