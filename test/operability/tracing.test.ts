import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';
import { createOrganization, tokensByRole } from '../helpers/fixtures.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

/**
 * OpenTelemetry: one request's span tree (operation → DataLoader batches → SQL
 * statements), the caller's W3C traceparent continued, the trace id on the
 * request's log line, and nothing of the variables or the data in any span.
 */
const exporter = new InMemorySpanExporter();
const logLines: Record<string, unknown>[] = [];
let app: TestApp;
let token: string;
let patientId: string;
let encounterId: string;

const PATIENT_FIRST_NAME = 'Zawadi-Traced';
// The patient comes with its encounters in one prefetch statement; the encounter's relations come through loaders.
const CHART = `query TracedChart($id: ID!, $encounter: ID!) {
  patient(id: $id) { id firstName encounters(first: 5) { edges { node { id provider { displayName } } } } }
  encounter(id: $encounter) { id provider { displayName } patient { firstName } }
}`;

beforeAll(async () => {
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  app = await createTestApp({}, { logger, spanExporter: exporter });
  const org = await createOrganization(app.admin, 'traced');
  const tokens = await tokensByRole(app, org);
  token = tokens.PHYSICIAN;
  const created = await app.gql(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`,
    { i: { firstName: PATIENT_FIRST_NAME, lastName: 'Mwangi', dateOfBirth: '1975-02-03' } },
    tokens.FRONT_DESK,
  );
  patientId = created.data!.createPatient.patient.id;
  for (let i = 0; i < 2; i++) {
    const encounter = await app.gql(
      `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id } } }`,
      { i: { patientId, encounterType: 'OUTPATIENT' } },
      token,
    );
    expect(encounter.errors).toBeUndefined();
    encounterId = encounter.data!.createEncounter.encounter.id;
  }
});

afterAll(async () => {
  await app?.close();
});

/** The spans of the one trace `traceId`, after a request whose spans all ended before it was answered. */
function spansOf(traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing', () => {
  it('is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const off = createDeps(loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: app.databaseUrl }), app.databaseUrl, pino({ level: 'silent' }));
    const on = createDeps(
      loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: app.databaseUrl, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
      app.databaseUrl,
      pino({ level: 'silent' }),
    );
    expect(off.tracing).toBeNull();
    expect(on.tracing).not.toBeNull();
    for (const deps of [off, on]) {
      await deps.requestLimiter.close();
      await deps.limiterStore.close();
      await deps.db.close();
      await deps.tracing?.shutdown();
    }
  });

  it('continues the caller trace: operation span → batch spans → SQL statement spans, with no variables or data', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await app.gql(CHART, { id: patientId, encounter: encounterId }, token, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(res.errors).toBeUndefined();
    expect(res.data!.patient.encounters.edges).toHaveLength(2);

    const spans = spansOf(callerTrace);
    const operation = spans.find((s) => s.name === 'query TracedChart');
    expect(operation, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(parentOf(operation!)).toBe(callerSpan);
    expect(operation!.kind).toBe(SpanKind.SERVER);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'TracedChart', 'graphql.operation.type': 'query' });

    const batches = spans.filter((s) => s.name.startsWith('batch '));
    expect(batches.map((b) => b.name)).toEqual(expect.arrayContaining(['batch encountersByIds', 'batch patientsByIds']));
    for (const batch of batches) {
      expect(parentOf(batch)).toBe(operation!.spanContext().spanId);
      expect(batch.attributes['dataloader.batch.size']).toBeGreaterThan(0);
    }
    const batchIds = new Set(batches.map((b) => b.spanContext().spanId));
    const statements = spans.filter((s) => s.kind === SpanKind.CLIENT);
    // Every batch sent its statement(s) under its own span, named by the SQL label.
    for (const batch of batches) {
      const own = statements.filter((s) => parentOf(s) === batch.spanContext().spanId);
      expect(own.length, batch.name).toBeGreaterThan(0);
      for (const statement of own) {
        expect(statement.name).toMatch(/^[a-z]\w+$/);
        expect(statement.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'db.query.summary': statement.name });
      }
    }
    // Statements not sent by a batch (the look-ahead prefetch of the patient) belong to the operation itself.
    expect(statements.find((s) => s.name === 'patientBundlesByIds') && parentOf(statements.find((s) => s.name === 'patientBundlesByIds')!)).toBe(
      operation!.spanContext().spanId,
    );
    for (const statement of statements.filter((s) => !batchIds.has(parentOf(s)!))) {
      expect(parentOf(statement)).toBe(operation!.spanContext().spanId);
    }

    // Neither the variables (the patient id) nor any data (the name) appear anywhere in the trace.
    const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    expect(everything).not.toContain(patientId);
    expect(everything).not.toContain(encounterId);
    expect(everything).not.toContain(PATIENT_FIRST_NAME);
  });

  it('starts a new trace without a traceparent, and puts trace_id on the request log line', async () => {
    exporter.reset();
    const res = await app.gql(`query TracedMe { me { id } }`, {}, token, { 'x-request-id': 'trace-log-line-01' });
    expect(res.errors).toBeUndefined();
    const operation = exporter.getFinishedSpans().find((s) => s.name === 'query TracedMe');
    expect(operation).toBeDefined();
    expect(parentOf(operation!)).toBeUndefined();
    const line = logLines.find((l) => l.requestId === 'trace-log-line-01');
    expect(line).toMatchObject({ msg: 'graphql request', trace_id: operation!.spanContext().traceId, span_id: operation!.spanContext().spanId });
  });

  it('marks a failed operation with its error codes only', async () => {
    exporter.reset();
    const res = await app.gql(`query TracedMissing { patient(id: "bm90LWEtcmVhbC1pZA") { id } }`, {}, token);
    expect(res.errors?.[0]?.extensions.code).toBeDefined();
    const operation = exporter.getFinishedSpans().find((s) => s.name === 'query TracedMissing');
    expect(operation!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(operation!.attributes['graphql.error.codes']).toEqual([res.errors![0]!.extensions.code]);
  });
});
