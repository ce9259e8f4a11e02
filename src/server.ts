import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from './context.js';
import type { AppDeps } from './deps.js';
import type { Resolvers } from './generated/graphql.js';
import { applyAuthDirectives } from './kernel/auth/directives.js';
import { applyPhiDirectives } from './kernel/auth/phi.js';
import { accessNotRecorded, formatError } from './kernel/errors.js';
import { requestFingerprint } from './kernel/idempotency.js';
import { keepSdlScalarDocs, scalarResolvers } from './kernel/scalars.js';
import { schemaFiles } from './kernel/schema-files.js';
import { modules } from './modules.js';
import { systemModule } from './system/module.js';
import { introspectionPolicy, queryLimits } from './operability/limits.js';
import { mutationRefusals } from './operability/mutation-refusals.js';
import { persistedQueries } from './operability/persisted-queries.js';
import { requestGuards } from './operability/request-guards.js';
import { requestTelemetry } from './operability/request-log.js';
import { compiledExecution } from './operability/compiled-execution.js';

export function loadTypeDefs(): string[] {
  return schemaFiles().map((f) => f.text);
}

/** Every resolver map the schema is built from (test/foundation/resolver-layout.test.ts checks where each entry lives). */
export function serverResolvers(): Resolvers[] {
  return [scalarResolvers, ...[systemModule, ...modules].flatMap((m) => m.resolvers)];
}

export function buildSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: serverResolvers(),
    inheritResolversFromInterfaces: true,
  });
  return applyPhiDirectives(applyAuthDirectives(keepSdlScalarDocs(schema)));
}

/** Ends each request's database session and stamps errors with the request id. */
const requestLifecycle = (deps: AppDeps): ApolloServerPlugin<RequestContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation, document, request }) {
        const name = operation?.name?.value ?? null;
        contextValue.operation.name = name;
        contextValue.operation.type = operation?.operation;
        // Computed only when a write carries an Idempotency-Key.
        contextValue.operation.fingerprint = () => requestFingerprint(document, name, request.variables);
      },
      async willSendResponse({ contextValue, response }) {
        const access = (await contextValue.session?.end()) ?? { recorded: true };
        if (!access.recorded) {
          deps.logger.error({ err: access.cause, requestId: contextValue.requestId }, 'PHI access not recorded: the response was withheld');
        }
        if (!access.recorded && response.body.kind === 'single') {
          // Patients were read but PostgreSQL refused their access-log row: their data must not leave.
          const withheld = accessNotRecorded();
          response.body.singleResult = {
            data: null,
            errors: [{ message: withheld.message, extensions: { ...withheld.extensions } }],
          };
        }
        if (response.body.kind === 'single') {
          for (const error of response.body.singleResult.errors ?? []) {
            (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
        }
      },
    };
  },
});

/** With EXPLORER=graphiql the HTTP layer serves the offline GraphiQL page (src/operability/explorer.ts) instead. */
function landingPage(explorer: 'graphiql' | 'sandbox', production: boolean): ApolloServerPlugin<RequestContext> {
  if (explorer === 'graphiql') return ApolloServerPluginLandingPageDisabled();
  return production
    ? // No Apollo Studio graph in production: the plain landing page, which embeds no explorer.
      ApolloServerPluginLandingPageProductionDefault({ footer: false })
    : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false, includeCookies: false });
}

export function createApolloServer(deps: AppDeps): ApolloServer<RequestContext> {
  const production = deps.config.env === 'production';
  const limits = queryLimits(deps.config);
  const apq = persistedQueries({ cacheBytes: deps.config.apqCacheBytes, manifestPath: deps.config.trustedDocuments });
  const schema = buildSchema();
  return new ApolloServer<RequestContext>({
    ...(deps.config.executor === 'jit' ? { gateway: compiledExecution(schema, deps.metrics.observeCompilation) } : { schema }),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    persistedQueries: apq.persistedQueries,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: (formatted, error) =>
      formatError(formatted, error, (internal) => deps.logger.error({ err: internal }, 'internal error (masked for the client)')),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [
      // Apollo installs cache-control by default and wraps every field for it; we send no cache hints.
      ApolloServerPluginCacheControlDisabled(),
      requestLifecycle(deps),
      mutationRefusals(),
      requestTelemetry(deps.metrics),
      introspectionPolicy(deps.config),
      ...limits.plugins,
      ...apq.plugins,
      requestGuards(),
      landingPage(deps.config.explorer, production),
    ],
  });
}
