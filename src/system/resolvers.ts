import type { Resolvers } from '../generated/graphql.js';
import { migrationLevel } from '../kernel/db/migrate.js';
import { fromGlobalId } from '../kernel/global-id.js';
import type { NodeRegistry } from '../domain-module.js';
import type { RequestContext } from '../context.js';

async function resolveNode(registry: NodeRegistry, ctx: RequestContext, id: string) {
  const parsed = fromGlobalId(id);
  const fetch = parsed && registry.get(parsed.type);
  return fetch ? fetch(ctx, parsed.uuid) : null;
}

/** Cross-domain root fields: `node`, `nodes` (dispatching on the global ID's type) and `health`. */
export function systemResolvers(registry: NodeRegistry): Resolvers {
  return {
    Query: {
      node: (_root, { id }, ctx) => resolveNode(registry, ctx, id) as never,
      nodes: (_root, { ids }, ctx) => Promise.all(ids.map((id) => resolveNode(registry, ctx, id))) as never,
      health: async (_root, _args, ctx) => {
        const sql = ctx.deps.db.sql;
        const database = await sql<{ ok: number }[]>`select 1 as ok`.then(
          () => 'UP' as const,
          () => 'DOWN' as const,
        );
        const migrations =
          database === 'UP' ? await migrationLevel(sql) : { current: null, latest: null, upToDate: false };
        return { database, migrations, checkedAt: new Date() };
      },
    },
    Node: {
      __resolveType: (node) => ((node as { __typename?: string }).__typename ?? null) as never,
    },
  };
}
