import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ValidationRule } from 'graphql';
import type { RequestContext } from '../context.js';
import type { Config } from '../kernel/config.js';

/**
 * Depth, cost, alias, token and directive limits (graphql-armor). They run at
 * parse/validation time, so an abusive document is refused before any
 * resolver, and therefore any SQL, runs. Field suggestions ("did you mean…")
 * are hidden in production so the schema cannot be mapped by probing.
 */
export function queryLimits(config: Config): {
  plugins: ApolloServerPlugin<RequestContext>[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const l = config.limits;
  const armor = new ApolloArmor({
    maxDepth: { n: l.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    costLimit: { maxCost: l.maxCost, ignoreIntrospection: true, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 },
    maxAliases: { n: l.maxAliases },
    // graphql-js enforces the token limit itself while parsing (clear GRAPHQL_PARSE_FAILED); see parseOptions.
    maxTokens: { enabled: false },
    maxDirectives: { n: l.maxDirectives },
    blockFieldSuggestion: { enabled: config.env === 'production' },
  }).protect();
  return {
    plugins: armor.plugins as ApolloServerPlugin<RequestContext>[],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: l.maxTokens },
  };
}

const INTROSPECTION = /\b__(schema|type)\b/;

/** In production only signed-in users may introspect; development and test allow anyone (the explorer). */
export function introspectionPolicy(config: Config): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      if (config.env !== 'production') return {};
      return {
        async didResolveOperation({ contextValue, source }) {
          if (!contextValue.viewer && INTROSPECTION.test(source)) {
            throw new GraphQLError('Introspection requires signing in; send Authorization: Bearer <token>', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
    },
  };
}
