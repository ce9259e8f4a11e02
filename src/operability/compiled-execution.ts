import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { GraphQLError, execute, getVariableValues, isObjectType, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = CompiledQuery | ExecutionResult;

/**
 * graphql-jit's errors are read-only and of its own class; Apollo's plugins
 * (graphql-armor rewrites messages) and our error formatting expect graphql-js
 * errors carrying the resolver's original error.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  // graphql-jit keeps the locations, not the AST nodes they come from.
  return error.locations ? Object.assign(copy, { locations: error.locations }) : copy;
}

/**
 * A connection's `totalCount` and `totalCountEstimate` are counted only when
 * selected: getters that return a promise. graphql-jit reads a field without a
 * resolver as a plain value and would not wait for it, so each such field gets a
 * resolver that hands the promise to the executor (src/kernel/counting.ts).
 * Any other promise left in a resolver-less field would answer differently from
 * graphql-js: test/operability/compiled-execution.test.ts compares every field
 * the schema reaches, as every role, under both executors.
 */
const LAZY_COUNTS = ['totalCount', 'totalCountEstimate'] as const;

function awaitLazyCounts(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const name of LAZY_COUNTS) {
      const field = type.getFields()[name];
      if (field && !field.resolve) field.resolve = (connection: Record<string, unknown>) => connection[name];
    }
  }
}

/**
 * Executes operations with graphql-jit instead of graphql-js, through Apollo
 * Server's gateway hook (its executor seam): parsing, validation, limits,
 * persisted queries and every plugin stay Apollo's; only execution changes.
 * An operation runs through graphql-js the first time Apollo's cached document
 * is seen and is compiled on its second run into a function that calls the
 * same resolvers without graphql-js's per-field interpretation, so unique
 * documents never pay for a compilation; the compiled form lives beside the
 * document (a WeakMap: it goes when Apollo evicts the document). Before a
 * compiled run, variables are coerced by graphql-js, so a bad variable gets
 * exactly the error (and BAD_USER_INPUT) it gets without compilation.
 */
export function compiledExecution(schema: GraphQLSchema, onCompiled: () => void = () => {}): GatewayInterface {
  awaitLazyCounts(schema);
  // Per operation of a cached document: `'seen'` after its first run, then its compiled form.
  const byDocument = new WeakMap<DocumentNode, Map<string, Compiled | 'seen'>>();
  const callbacks: GatewaySchemaLoadOrUpdateCallback[] = [];

  /** The compiled operation, or null on its first run: a one-off document (an explorer, a fuzzer) is not worth compiling. */
  const compiledFor = (document: DocumentNode, operationName: string | undefined): Compiled | null => {
    let byOperation = byDocument.get(document);
    if (!byOperation) byDocument.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    const known = byOperation.get(key);
    if (known === undefined) {
      byOperation.set(key, 'seen');
      return null;
    }
    if (known !== 'seen') return known;
    const compiled = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
    byOperation.set(key, compiled);
    onCompiled();
    return compiled;
  };

  const executor: GatewayExecutor = async ({ document, operation, request, context }) => {
    const operationName = request.operationName ?? undefined;
    const compiled = compiledFor(document, operationName);
    if (compiled === null) {
      return execute({ schema, document, operationName, variableValues: request.variables ?? {}, contextValue: context });
    }
    if (!isCompiledQuery(compiled)) return compiled;
    // graphql-jit words variable errors its own way (and Apollo would not see them as BAD_USER_INPUT).
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (coerced.errors) return { errors: coerced.errors };
    const result = (await compiled.query(undefined, context, request.variables ?? {})) as ExecutionResult;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callbacks.push(callback);
      return () => void callbacks.splice(callbacks.indexOf(callback), 1);
    },
    async load() {
      for (const callback of callbacks) callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return { executor };
    },
    async stop() {},
  };
}
