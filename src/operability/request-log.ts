import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context.js';
import type { Metrics } from './metrics.js';

/**
 * One structured log line and the metrics of every GraphQL request: request
 * id, operation name, duration, outcome and error codes. Never the query text,
 * the variables or any result data: those carry PHI.
 */
export function requestTelemetry(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      return {
        async didResolveOperation({ contextValue: ctx, operation, operationName }) {
          if (operation) ctx.trace?.operation(operation.operation, operationName ?? null);
        },
        async willSendResponse({ contextValue: ctx, response, errors }) {
          const seconds = (performance.now() - startedAt) / 1000;
          const operation = metrics.operationLabel(ctx.operation.name, ctx.viewer !== null);
          const codes =
            response.body.kind === 'single'
              ? (response.body.singleResult.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'))
              : (errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
          const outcome = codes.length === 0 ? 'ok' : 'error';
          metrics.requests.inc({ operation, outcome });
          metrics.requestSeconds.observe({ operation, outcome }, seconds);
          for (const code of codes) metrics.errors.inc({ code });
          if (codes.length) ctx.trace?.failed(codes);
          ctx.deps.logger.info(
            {
              requestId: ctx.requestId,
              operation: ctx.operation.name ?? 'anonymous',
              durationMs: Math.round(seconds * 1000),
              outcome,
              ...(codes.length ? { errorCodes: codes } : {}),
              userId: ctx.viewer?.userId,
              organizationId: ctx.viewer?.organizationId,
              // The OpenTelemetry trace of this request (the caller's, when it sent a traceparent).
              ...(ctx.trace ? { trace_id: ctx.trace.traceId, span_id: ctx.trace.spanId } : {}),
            },
            'graphql request',
          );
        },
      };
      void contextValue;
    },
  };
}
