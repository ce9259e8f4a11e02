import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from '../context.js';
import type { AuditEntry, AuditOutcome } from '../kernel/audit.js';
import { fromGlobalId, isUuid } from '../kernel/global-id.js';

/** The error codes that mean "you may not do this to that record", as audit outcomes. */
const REFUSALS: ReadonlySet<string> = new Set<AuditOutcome>(['FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

/**
 * Audits refused mutation attempts, so a compliance officer sees probing (a
 * role trying what it may not, ids of another organization, stale writes).
 * A refused mutation's own transaction rolled back with its audit rows; this
 * writes one `mutation.refused` row per refused Mutation root field, in a
 * transaction of its own, before the response is sent: actor, organization and
 * request id from the session, outcome from the error code, entity_type the
 * field name, entity_id its `id` argument (or `input.id`) when there is one.
 * Only signed-in requests: anonymous ones have no organization (failed sign-ins
 * are audited by the identity service). Failing to write is logged, and never
 * changes the response.
 */
export function mutationRefusals(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue: ctx, operation, document, errors, schema, request }) {
          if (operation?.operation !== 'mutation' || !ctx.session || !document) return;
          const entries: AuditEntry[] = [];
          for (const error of errors) {
            const code = String(error.extensions?.code ?? '');
            if (!REFUSALS.has(code) || error.path?.length !== 1) continue;
            const field = rootField(operation.selectionSet, document, String(error.path[0]));
            if (!field) continue;
            entries.push({
              action: 'mutation.refused',
              entityType: field.name.value,
              entityId: idArgument(schema, field, request.variables ?? {}),
              outcome: code as AuditOutcome,
              after: { operationName: ctx.operation.name, message: messageOf(error) },
            });
          }
          if (entries.length === 0) return;
          try {
            await ctx.session.write(async ({ audit }) => entries.forEach(audit), { idempotent: false });
          } catch (err) {
            ctx.deps.logger.error({ err, requestId: ctx.requestId }, 'could not audit a refused mutation');
          }
        },
      };
    },
  };
}

/** The root field node answering `responseKey` (its alias or name), through fragments. */
function rootField(selectionSet: SelectionSetNode, document: DocumentNode, responseKey: string): FieldNode | null {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseKey) return selection;
      continue;
    }
    const nested =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
    const found = nested && 'selectionSet' in nested ? rootField(nested.selectionSet, document, responseKey) : null;
    if (found) return found;
  }
  return null;
}

/** The database id named by the field's `id` argument or its `input.id`, when it is a UUID or a global ID. */
function idArgument(schema: GraphQLSchema, node: FieldNode, variables: Record<string, unknown>): string | null {
  const definition = schema.getMutationType()?.getFields()[node.name.value];
  if (!definition) return null;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(definition, node, variables);
  } catch {
    return null;
  }
  const input = args.input as Record<string, unknown> | null | undefined;
  const id = args.id ?? (input && typeof input === 'object' ? input.id : undefined);
  if (typeof id !== 'string') return null;
  return isUuid(id) ? id.toLowerCase() : (fromGlobalId(id)?.uuid ?? null);
}

const messageOf = (error: GraphQLError) => error.message.slice(0, 500);
