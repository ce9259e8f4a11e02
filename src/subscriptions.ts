import type http from 'node:http';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { buildContext, type IncomingRequestInfo, type RequestContext } from './context.js';
import type { AppDeps } from './deps.js';
import { authenticateBearer } from './identity/authenticate.js';
import { accessNotRecorded, formatError } from './kernel/errors.js';
import { checkStorableInput } from './kernel/storable-input.js';
import { queryLimits } from './operability/limits.js';
import { loadTrustedDocuments, notTrusted } from './operability/persisted-queries.js';
import { queueEvents } from './scheduling/queue-events.js';
import { buildSchema } from './server.js';

/** Close code for a missing, invalid or expired token (graphql-ws clients do not retry it). */
const UNAUTHORIZED = 4401;
/** Close code for a transient server-side failure (clients reconnect). */
const TRY_AGAIN_LATER = 1013;
/** Close code for a user (or address) over its request limit; the reason says when to retry. */
const TOO_MANY_REQUESTS = 4429;

export interface SubscriptionServer {
  close(): Promise<void>;
}

/** What one WebSocket connection carries from `onConnect` to every operation on it. */
interface Connection {
  request: IncomingRequestInfo;
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';

/** A refusal before execution (parse, validation, operation kind), with the code Apollo gives it over HTTP. */
const requestError = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });

const asGraphQLError = (error: unknown) =>
  error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : String(error), { originalError: error as Error });

/**
 * Maps a subscription's source events to results, one fresh request context
 * per event. A hand-written iterator (not an async generator) so that
 * `return()` reaches the source at once even while waiting for the next event.
 */
function mapEvents(
  source: AsyncIterator<unknown>,
  run: (event: unknown) => Promise<{ result: ExecutionResult; last: boolean }>,
): AsyncIterableIterator<ExecutionResult> {
  let finished = false;
  const finish = async () => {
    finished = true;
    await source.return?.();
  };
  return {
    async next() {
      if (finished) return { value: undefined, done: true };
      const event = await source.next();
      if (event.done) return { value: undefined, done: true };
      const { result, last } = await run(event.value);
      if (last) await finish();
      return { value: result, done: false };
    },
    async return() {
      await finish();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws protocol) on the API's HTTP
 * server, path `/graphql`. The socket authenticates once with
 * `connectionParams.authorization = "Bearer <access token>"`; every
 * subscription and every event it delivers then runs as a request of its own,
 * authenticated again from that token (an expired token or a deactivated
 * account ends the subscription), bound to the token's organization, with its
 * own DataLoaders and database session, and subject to the same validation
 * limits as HTTP. Only subscriptions are served here: queries and mutations go
 * over HTTP.
 */
export async function attachSubscriptions(deps: AppDeps, server: http.Server): Promise<SubscriptionServer> {
  const hub = queueEvents(deps);
  deps.metrics.countSubscribersWith(() => hub.subscriberCount());
  await hub.start();
  const schema = buildSchema();
  const limits = queryLimits(deps.config);
  const trusted = deps.config.trustedDocuments ? loadTrustedDocuments(deps.config.trustedDocuments) : null;
  const onInternal = (error: unknown) => deps.logger.error({ err: error }, 'internal error in a subscription (masked for the client)');
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => formatError(e.toJSON(), e, onInternal));

  /** A new request context from the connection's token; throws UNAUTHENTICATED once the token stopped being valid. */
  const contextOf = (connection: Connection, countRequest = true) => buildContext(deps, connection.request, { countRequest });

  const subscribe = async (args: ExecutionArgs) => {
    const connection = args.contextValue as Connection;
    let setup: RequestContext;
    try {
      setup = await contextOf(connection);
    } catch (error) {
      return { errors: [asGraphQLError(error)] };
    }
    const operationName = getOperationAST(args.document, args.operationName)?.name?.value ?? null;
    setup.operation.name = operationName;
    let stream: ExecutionResult | AsyncIterable<unknown>;
    try {
      stream = await createSourceEventStream({ ...args, contextValue: setup });
    } finally {
      await setup.session?.end();
    }
    if (!isAsyncIterable(stream)) return stream;
    return mapEvents(stream[Symbol.asyncIterator](), async (event) => {
      let ctx: RequestContext;
      try {
        ctx = await contextOf(connection, false);
      } catch (error) {
        // An expired token or deactivated account ends the stream; a transient failure only skips this event.
        const refusal = asGraphQLError(error);
        return { result: { errors: [refusal] }, last: refusal.extensions.code === 'UNAUTHENTICATED' };
      }
      ctx.operation.name = operationName;
      let result: ExecutionResult;
      try {
        result = await execute({ ...args, rootValue: event, contextValue: ctx });
      } finally {
        // Patients read but their access not recorded: the event's data must not leave.
        const access = await ctx.session?.end();
        if (access && !access.recorded) {
          deps.logger.error({ err: access.cause }, 'PHI access not recorded: the subscription event was withheld');
          result = { errors: [asGraphQLError(accessNotRecorded())] };
        }
      }
      // A subscriber who lost the permission (or account) meanwhile gets the refusal once, then the stream ends.
      const refused = result.errors?.some((e) => ['UNAUTHENTICATED', 'FORBIDDEN'].includes(String(e.extensions?.code)));
      return { result, last: Boolean(refused) };
    });
  };

  const wss = new WebSocketServer({ server, path: '/graphql' });
  const graphqlWs = useServer<Record<string, unknown>, { connection?: Connection }>(
    {
      schema,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const refuse = (reason: string) => {
          ctx.extra.socket.close(UNAUTHORIZED, reason);
          return false;
        };
        if (typeof header !== 'string' || !header.trim()) {
          return refuse('Unauthorized: send connectionParams { authorization: "Bearer <access token>" }');
        }
        try {
          const viewer = await authenticateBearer(deps, header);
          if (!viewer) return refuse('Unauthorized');
          // Connecting counts as a request of the user's: a user over the limit cannot open sockets either.
          await deps.requestLimiter.consume({ userId: viewer.userId });
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') return refuse(`Unauthorized: ${error.message}`);
          if (error instanceof GraphQLError && error.extensions.code === 'RATE_LIMITED') {
            ctx.extra.socket.close(TOO_MANY_REQUESTS, `Too many requests: retry after ${String(error.extensions.retryAfterSeconds)} s`);
            return false;
          }
          // Not the token's fault (e.g. the database is busy): a close code clients retry.
          deps.logger.warn({ err: error }, 'could not verify a WebSocket connection');
          ctx.extra.socket.close(TRY_AGAIN_LATER, 'Try again later');
          return false;
        }
        const request = ctx.extra.request;
        ctx.extra.connection = {
          request: {
            authorization: header,
            requestId: undefined,
            ip: request.socket.remoteAddress ?? null,
            userAgent: request.headers['user-agent'] ?? null,
          },
        };
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        if (trusted && !trusted.isTrusted(payload.query)) return [notTrusted()];
        let document;
        try {
          document = parse(payload.query, limits.parseOptions);
        } catch (error) {
          return [requestError(asGraphQLError(error), 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]);
        if (errors.length > 0) return errors.map((e) => requestError(e, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Name the operation to run (operationName)', { extensions: { code: 'BAD_REQUEST' } })];
        if (operation.operation !== 'subscription') {
          return [
            new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations to POST /graphql', {
              extensions: { code: 'BAD_REQUEST' },
            }),
          ];
        }
        const unstorable = checkStorableInput(schema, document, operation, payload.variables ?? undefined);
        if (unstorable) return [unstorable];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: ctx.extra.connection,
        };
      },
      subscribe,
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );

  return {
    async close() {
      await graphqlWs.dispose();
      await hub.stop();
    },
  };
}
