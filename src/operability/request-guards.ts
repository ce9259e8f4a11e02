import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context.js';
import { checkStorableInput } from '../kernel/storable-input.js';

/** The WebSocket URL of this server as the client reached it (behind a TLS proxy: wss). */
function webSocketUrl(headers: { get(name: string): string | undefined } | undefined): string {
  const host = headers?.get('host') ?? 'localhost';
  const proto = headers?.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' ? 'wss' : 'ws';
  return `${proto}://${/^[\w.:[\]-]+$/.test(host) ? host : 'localhost'}/graphql`;
}

export const subscriptionOverHttp = (url: string) =>
  new GraphQLError(`Subscriptions are not served over HTTP: use the WebSocket endpoint ${url} with the graphql-ws protocol`, {
    extensions: { code: 'OPERATION_NOT_SUPPORTED', http: { status: 400 } },
  });

/**
 * Checks that run once per request, after validation and before any resolver:
 * a subscription sent over HTTP is refused with the WebSocket endpoint to use,
 * and input PostgreSQL could not store (NUL, unpaired surrogates) anywhere in
 * any argument is a BAD_USER_INPUT naming the argument path.
 */
export function requestGuards(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return;
          if (operation.operation === 'subscription') throw subscriptionOverHttp(webSocketUrl(request.http?.headers));
          const error = checkStorableInput(schema, document, operation, request.variables);
          if (error) throw error;
        },
      };
    },
  };
}
