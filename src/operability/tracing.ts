import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';
import type { TracingConfig } from '../kernel/config.js';
import type { TransactionSql } from '../kernel/db/pool.js';

/**
 * OpenTelemetry traces of GraphQL requests: one span per operation (its name
 * and type, never the document or variables), one per DataLoader batch and one
 * per SQL statement (its `/* label *\/`, never its parameters). Off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test injects an exporter): then
 * nothing is created per request at all.
 *
 * Nothing is registered globally (no global provider, propagator or context
 * manager): each app holds its own `Tracing`, and each request its
 * `RequestTrace`, passed explicitly to the session and the loaders. The only
 * implicit link is the store below, which tells a statement which batch it
 * runs for.
 */
export class Tracing {
  private readonly provider: NodeTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();
  /** The batch span a statement runs under, across the awaits between the batch and its SQL. */
  readonly activeBatch = new AsyncLocalStorage<Context>();

  constructor(config: TracingConfig, exporter: SpanExporter) {
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      // An injected (test) exporter sees each span as it ends; a real one gets batches in the background.
      spanProcessors: [config.tracesUrl ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
    });
    this.tracer = this.provider.getTracer('health-graphql');
  }

  /**
   * The span of one GraphQL request, continuing the caller's trace when the
   * request carries a valid W3C `traceparent` (and `tracestate`).
   */
  startRequest(headers: http.IncomingHttpHeaders, requestId: string): RequestTrace {
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, HEADER_GETTER);
    const span = this.tracer.startSpan(
      'graphql',
      { kind: SpanKind.SERVER, attributes: { 'health.request_id': requestId } },
      parent,
    );
    return new RequestTrace(this, this.tracer, span);
  }

  /** Sends what is still buffered; call on shutdown. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

const HEADER_GETTER: TextMapGetter<http.IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key.toLowerCase()],
};

/** Tracing when configured (or an exporter is injected), else null: requests then create no span at all. */
export function createTracing(config: TracingConfig, exporter?: SpanExporter): Tracing | null {
  if (exporter) return new Tracing(config, exporter);
  if (!config.tracesUrl) return null;
  return new Tracing(config, new OTLPTraceExporter({ url: config.tracesUrl }));
}

const LABEL = /^\s*\/\* (\w+) \*\//;

/** One request's spans: the operation span and, under it, its batches and statements. */
export class RequestTrace {
  private readonly context: Context;

  constructor(
    private readonly tracing: Tracing,
    private readonly tracer: Tracer,
    readonly span: Span,
  ) {
    this.context = trace.setSpan(ROOT_CONTEXT, span);
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  get spanId(): string {
    return this.span.spanContext().spanId;
  }

  /** Names the span after the operation once it is known (`query PatientChart`). No document, no variables. */
  operation(type: string, name: string | null): void {
    this.span.updateName(`${type} ${name ?? 'anonymous'}`);
    this.span.setAttribute('graphql.operation.type', type);
    if (name) this.span.setAttribute('graphql.operation.name', name);
  }

  /** Marks the operation failed with its error codes (codes only: messages may quote input). */
  failed(codes: readonly string[]): void {
    this.span.setAttribute('graphql.error.codes', [...codes]);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
  }

  end(): void {
    this.span.end();
  }

  /**
   * A DataLoader batch (`batch patientsByIds`): a child of the operation, and
   * the parent of the statements `run` sends.
   */
  readonly batch = async <T>(name: string, size: number, run: () => Promise<T>): Promise<T> => {
    const span = this.tracer.startSpan(`batch ${name}`, { attributes: { 'dataloader.name': name, 'dataloader.batch.size': size } }, this.context);
    try {
      return await this.tracing.activeBatch.run(trace.setSpan(this.context, span), run);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };

  /**
   * `tx` whose labelled statements each get a span (named by the label) under
   * the batch they run for, else under the operation. Unlabelled template
   * calls are fragments nested in other statements and are left alone.
   */
  readonly statements = (tx: TransactionSql): TransactionSql => {
    const parent = this.tracing.activeBatch.getStore() ?? this.context;
    return new Proxy(tx, {
      apply: (target, self, args: unknown[]) => {
        const query: unknown = Reflect.apply(target, self, args);
        const strings = args[0] as TemplateStringsArray | undefined;
        const label = Array.isArray(strings) && 'raw' in strings ? LABEL.exec(strings[0] ?? '')?.[1] : undefined;
        if (label && query instanceof Promise) this.statement(label, query, parent);
        return query;
      },
    });
  };

  /** A statement's span, ended when it settles (observing it also sends it, as its caller's `await` does). */
  private statement(label: string, query: Promise<unknown>, parent: Context): void {
    const span = this.tracer.startSpan(label, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.summary': label } }, parent);
    query.then(
      () => span.end(),
      (error: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as { code?: string }).code ?? 'error') });
        span.end();
      },
    );
  }
}
