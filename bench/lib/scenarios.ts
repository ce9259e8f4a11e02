/**
 * The benchmark scenarios: for each, the request(s) every server answers.
 * Our API gets the GraphQL documents of bench/scenarios/; PostGraphile gets
 * the equivalent documents of bench/peers/postgraphile/scenarios/ (its
 * generated naming, same rows in the same order); the raw peer gets the
 * variables at POST /<scenario>.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { LoadRequest } from './load.js';
import { ROOT, type ServerKind } from './servers.js';

/** Rows the scenarios need, read from the seeded database (deterministic for a given size). */
export interface Fixture {
  organizationId: string;
  physicianId: string;
  billingUserId: string;
  /** The organization's patient with the most encounters (ties by id): the chart. */
  chartPatientId: string;
  /** Name-ordered key of the patient 50 rows before the end: the deep page starts after it. */
  deepKey: { lastName: string; firstName: string; id: string };
  /** Patients the write path cycles through. */
  writePatientIds: string[];
  /** Open invoices with a balance, for the payment path. */
  invoiceIds: string[];
  organizationPatients: number;
  nurseId: string;
  /** The department and organization-local day with the most appointments (ties: earliest day, then code). */
  appointmentDay: { departmentId: string; from: string; to: string };
  /** The outpatient department with the longest queue on the latest queue day. */
  queue: { departmentId: string; date: string };
}

export async function loadFixture(url: string): Promise<Fixture> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [org] = await sql<{ id: string }[]>`select id from organizations where slug = 'northwind'`;
    if (!org) throw new Error('the benchmark database has no northwind organization');
    const [physician] = await sql<{ id: string }[]>`select id from users where organization_id = ${org.id} and email = 'physician@northwind.example'`;
    const [billing] = await sql<{ id: string }[]>`select id from users where organization_id = ${org.id} and email = 'billing@northwind.example'`;
    const [chart] = await sql<{ patientId: string }[]>`
      select patient_id as "patientId" from encounters where organization_id = ${org.id}
      group by patient_id order by count(*) desc, patient_id limit 1`;
    const [deep] = await sql<{ lastName: string; firstName: string; id: string }[]>`
      select last_name as "lastName", first_name as "firstName", id from ehr_patients
      where organization_id = ${org.id} and deleted_at is null
      order by last_name desc, first_name desc, id desc offset 50 limit 1`;
    const writers = await sql<{ id: string }[]>`
      select id from ehr_patients where organization_id = ${org.id} and deleted_at is null and status = 'ACTIVE' order by mrn limit 200`;
    const invoices = await sql<{ id: string }[]>`
      select id from invoices where organization_id = ${org.id} and status in ('ISSUED', 'PARTIALLY_PAID')
        and balance_due >= 100 and deleted_at is null order by invoice_seq limit 400`;
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from ehr_patients where organization_id = ${org.id}`;
    const [nurse] = await sql<{ id: string }[]>`select id from users where organization_id = ${org.id} and email = 'nurse@northwind.example'`;
    const [day] = await sql<{ departmentId: string; from: Date; to: Date }[]>`
      select d.department_id as "departmentId", (d.day::timestamp at time zone d.tz) as "from", ((d.day + 1)::timestamp at time zone d.tz) as "to"
      from (select a.department_id, (a.scheduled_datetime at time zone o.timezone)::date as day, o.timezone as tz, count(*) as n
            from appointments a join organizations o on o.id = a.organization_id
            where a.organization_id = ${org.id} and a.department_id is not null and a.deleted_at is null
            group by 1, 2, 3) d
      join departments dep on dep.organization_id = ${org.id} and dep.id = d.department_id
      order by d.n desc, d.day, dep.code limit 1`;
    const [queue] = await sql<{ departmentId: string; date: string }[]>`
      select q.department_id as "departmentId", q.queue_date::text as date from opd_queue q
      join departments dep on dep.organization_id = q.organization_id and dep.id = q.department_id
      where q.organization_id = ${org.id}
      group by q.department_id, q.queue_date, dep.code order by q.queue_date desc, count(*) desc, dep.code limit 1`;
    if (!physician || !billing || !chart || !deep || !nurse || !day || !queue) throw new Error('the benchmark database lacks the demo users or patients');
    return {
      organizationId: org.id,
      physicianId: physician.id,
      billingUserId: billing.id,
      chartPatientId: chart.patientId,
      deepKey: deep,
      writePatientIds: writers.map((r) => r.id),
      invoiceIds: invoices.map((r) => r.id),
      organizationPatients: count?.n ?? 0,
      nurseId: nurse.id,
      appointmentDay: { departmentId: day.departmentId, from: day.from.toISOString(), to: day.to.toISOString() },
      queue,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface BuildContext {
  fixture: Fixture;
  /** Bearer token for our API (per scenario login). */
  token: string;
  /** Our API's cursor for the deep page (resolved from our API). */
  ourDeepCursor: string | null;
  /** PostGraphile's own cursor for the deep page (resolved from PostGraphile). */
  postgraphileDeepCursor: string | null;
  /** Our API's schema has these Mutation fields (recordPayment appears with billing). */
  mutations: ReadonlySet<string>;
}

export interface Scenario {
  id: string;
  title: string;
  /** Which account signs in to our API. */
  account: Account;
  write: boolean;
  /** Requests for one server, or a reason why it cannot run this scenario. */
  build(kind: ServerKind, ctx: BuildContext): LoadRequest[] | string;
}

export type Account = 'physician' | 'billing' | 'nurse';

export const SEARCH_TEXT = 'ma';
const ENCOUNTERS_PER_PATIENT = 5;

const ourDoc = (name: string) => readFileSync(path.join(ROOT, 'bench/scenarios', `${name}.graphql`), 'utf8');
const pgDoc = (name: string) => readFileSync(path.join(ROOT, 'bench/peers/postgraphile/scenarios', `${name}.graphql`), 'utf8');
const json = { 'content-type': 'application/json' };

/** Our cursors are encrypted (src/kernel/pagination.ts): the deep page's is read from our API (the 51st row from the end). */
export async function resolveOurDeepCursor(origin: string, token: string): Promise<string | null> {
  const query = `query { patients(last: 51, orderBy: { field: NAME }) { edges { cursor } } }`;
  const res = await fetch(`${origin}/graphql`, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: { patients?: { edges: { cursor: string }[] } } };
  return body.data?.patients?.edges[0]?.cursor ?? null;
}

function graphql(kind: ServerKind, ctx: BuildContext, query: string, variables: Record<string, unknown>): LoadRequest {
  const headers: Record<string, string> = { ...json };
  if (kind === 'ours') headers.authorization = `Bearer ${ctx.token}`;
  return { method: 'POST', path: '/graphql', headers, body: JSON.stringify({ query, variables }) };
}

const rawRequest = (scenario: string, variables: Record<string, unknown>): LoadRequest => ({
  method: 'POST',
  path: `/${scenario}`,
  headers: { ...json },
  body: JSON.stringify({ variables }),
});

/** A read scenario: the same variables for every request. */
function read(
  id: string,
  title: string,
  ours: { doc: string; variables: (ctx: BuildContext) => Record<string, unknown> },
  postgraphile: { doc: string; variables: (ctx: BuildContext) => Record<string, unknown> } | string,
  raw: { path: string; variables: (ctx: BuildContext) => Record<string, unknown> },
  account: Account = 'physician',
): Scenario {
  return {
    id,
    title,
    account,
    write: false,
    build(kind, ctx) {
      if (kind === 'ours') return [graphql(kind, ctx, ourDoc(ours.doc), ours.variables(ctx))];
      if (kind === 'raw') return [rawRequest(raw.path, raw.variables(ctx))];
      if (typeof postgraphile === 'string') return postgraphile;
      return [graphql(kind, ctx, pgDoc(postgraphile.doc), postgraphile.variables(ctx))];
    },
  };
}

/** The requests a server gets: ours-node20 is our API too, so it gets our documents. */
export function requestsFor(scenario: Scenario, kind: ServerKind, ctx: BuildContext): LoadRequest[] | string {
  return scenario.build(kind === 'ours-node20' ? 'ours' : kind, ctx);
}

/** Round-robin over a list, shared by every connection of a run. */
function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

function extract(body: string, pick: (data: Record<string, any>) => unknown): string | null {
  try {
    const value = pick((JSON.parse(body) as { data: Record<string, any> }).data);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Normal adult values: no abnormal flags, the same on every server. */
const VITALS = { systolicBp: 118, diastolicBp: 76, heartRate: 72, temperatureC: 36.8, spo2: 98 };

const writePath: Scenario = {
  id: 'write-path',
  title: 'write: createEncounter + recordVitalSigns',
  account: 'physician',
  write: true,
  build(kind, ctx) {
    const nextPatient = cycle(ctx.fixture.writePatientIds);
    const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
    const headers: Record<string, string> = { ...json };
    if (kind === 'ours') headers.authorization = `Bearer ${ctx.token}`;
    const base = { method: 'POST' as const, headers };
    const encounterInput = (patientId: string) => ({ patientId, encounterType: 'OUTPATIENT', reason: 'Benchmark follow-up' });
    if (kind === 'postgraphile') {
      const create = pgDoc('create-encounter');
      const vitals = pgDoc('record-vital-signs');
      return [
        {
          ...base,
          path: '/graphql',
          setupRequest: (req, c) => {
            c.patientId = nextPatient();
            return { ...req, body: body(create, encounterInput(c.patientId as string)) };
          },
          onResponse: (_s, b, c) => {
            c.encounterId = extract(b, (d) => d.benchPgOpenEncounter?.result?.rowId);
          },
        },
        {
          ...base,
          path: '/graphql',
          setupRequest: (req, c) => ({ ...req, body: body(vitals, { patientId: c.patientId, encounterId: c.encounterId, ...VITALS }) }),
        },
      ];
    }
    const create = ourDoc('create-encounter');
    const vitals = ourDoc('record-vital-signs');
    const pathOf = (scenario: string) => (kind === 'raw' ? `/${scenario}` : '/graphql');
    const payload = (query: string, variables: Record<string, unknown>) =>
      kind === 'raw' ? JSON.stringify({ variables }) : body(query, variables);
    return [
      {
        ...base,
        path: pathOf('create-encounter'),
        setupRequest: (req, c) => {
          c.patientId = nextPatient();
          return { ...req, body: payload(create, { input: encounterInput(c.patientId as string) }) };
        },
        onResponse: (_s, b, c) => {
          c.encounterId = extract(b, (d) => d.createEncounter?.encounter?.id);
        },
      },
      {
        ...base,
        path: pathOf('record-vital-signs'),
        setupRequest: (req, c) => ({
          ...req,
          body: payload(vitals, { input: { patientId: c.patientId, encounterId: c.encounterId, ...VITALS } }),
        }),
      },
    ];
  },
};

const paymentPath: Scenario = {
  id: 'record-payment',
  title: 'write: recordPayment',
  account: 'billing',
  write: true,
  build(kind, ctx) {
    if (kind === 'ours' && !ctx.mutations.has('recordPayment')) return 'the schema has no recordPayment mutation (billing not landed)';
    if (ctx.fixture.invoiceIds.length === 0) return 'no open invoice with a balance in the data set';
    const nextInvoice = cycle(ctx.fixture.invoiceIds);
    const headers: Record<string, string> = { ...json };
    if (kind === 'ours') headers.authorization = `Bearer ${ctx.token}`;
    const doc = kind === 'postgraphile' ? pgDoc('record-payment') : kind === 'ours' ? ourDoc('record-payment') : '';
    return [
      {
        method: 'POST',
        path: kind === 'raw' ? '/record-payment' : '/graphql',
        headers,
        setupRequest: (req) => {
          const invoiceId = nextInvoice();
          const variables =
            kind === 'postgraphile'
              ? { invoiceId, amount: '0.01', method: 'CASH' }
              : { input: { invoiceId, amount: '0.01', method: 'CASH' } };
          return { ...req, body: kind === 'raw' ? JSON.stringify({ variables }) : JSON.stringify({ query: doc, variables }) };
        },
      },
    ];
  },
};

const chartVars = (ctx: BuildContext) => ({ id: ctx.fixture.chartPatientId });
const appointmentDayVars = (ctx: BuildContext) => ({ first: 100, ...ctx.fixture.appointmentDay });
const invoiceListVars = () => ({ first: 50, status: ['ISSUED', 'PARTIALLY_PAID'] });
const opdQueueVars = (ctx: BuildContext) => ({ first: 50, ...ctx.fixture.queue });

/** List scenarios whose SQL statements per request are checked at several page sizes (`variables.first`). */
export const PAGED_SCENARIOS = ['mobile-summary', 'patient-list', 'appointment-day', 'invoice-list', 'task-inbox', 'opd-queue'];

export const SCENARIOS: Scenario[] = [
  read(
    'mobile-summary',
    'mobile summary (20 patients)',
    { doc: 'mobile-summary', variables: () => ({ first: 20 }) },
    { doc: 'mobile-summary', variables: () => ({ first: 20, encounters: ENCOUNTERS_PER_PATIENT }) },
    { path: 'mobile-summary', variables: () => ({ first: 20, encounters: ENCOUNTERS_PER_PATIENT }) },
  ),
  read(
    'patient-list',
    'SPA list: patients(first: 100) + totalCount, by name',
    { doc: 'patient-list', variables: () => ({ first: 100, search: null }) },
    { doc: 'patient-list', variables: () => ({ first: 100 }) },
    { path: 'patient-list', variables: () => ({ first: 100 }) },
  ),
  read(
    'patient-search',
    `SPA list + full-text search "${SEARCH_TEXT}"`,
    { doc: 'patient-list', variables: () => ({ first: 100, search: SEARCH_TEXT }) },
    { doc: 'patient-search', variables: () => ({ first: 100, search: `'${SEARCH_TEXT}':*` }) },
    { path: 'patient-list', variables: () => ({ first: 100, search: SEARCH_TEXT }) },
  ),
  read(
    'first-page',
    'first page: patients(first: 20) by name',
    { doc: 'patient-page', variables: () => ({ first: 20, after: null }) },
    { doc: 'patient-page', variables: () => ({ first: 20 }) },
    { path: 'patient-page', variables: () => ({ first: 20, after: null }) },
  ),
  {
    id: 'deep-page',
    title: 'deep page: patients(first: 20, after: <50 rows before the end>)',
    account: 'physician',
    write: false,
    build(kind, ctx) {
      const { lastName, firstName, id } = ctx.fixture.deepKey;
      if (kind === 'raw') return [rawRequest('patient-page', { first: 20, afterKey: [lastName, firstName, id] })];
      if (kind === 'ours') {
        if (!ctx.ourDeepCursor) return 'could not obtain our cursor for the deep page';
        return [graphql(kind, ctx, ourDoc('patient-page'), { first: 20, after: ctx.ourDeepCursor })];
      }
      if (!ctx.postgraphileDeepCursor) return 'could not obtain a PostGraphile cursor for the deep page';
      return [graphql(kind, ctx, pgDoc('patient-page'), { first: 20, after: ctx.postgraphileDeepCursor })];
    },
  },
  read(
    'patient-chart',
    'patient chart by id (everything nested)',
    { doc: 'patient-chart', variables: chartVars },
    { doc: 'patient-chart', variables: (ctx) => ({ organizationId: ctx.fixture.organizationId, id: ctx.fixture.chartPatientId }) },
    { path: 'patient-chart', variables: chartVars },
  ),
  read(
    'appointment-day',
    "appointment day view: one department's appointments of one day (patient, provider, department)",
    { doc: 'appointment-day', variables: appointmentDayVars },
    { doc: 'appointment-day', variables: appointmentDayVars },
    { path: 'appointment-day', variables: appointmentDayVars },
  ),
  read(
    'invoice-list',
    "billing clerk's invoice list: 50 open invoices with line items, payments, patient",
    { doc: 'invoice-list', variables: invoiceListVars },
    { doc: 'invoice-list', variables: invoiceListVars },
    { path: 'invoice-list', variables: invoiceListVars },
    'billing',
  ),
  read(
    'task-inbox',
    "nurse's task inbox: open tasks of the nurse or the NURSE role (instance, definition)",
    { doc: 'task-inbox', variables: () => ({ first: 50 }) },
    { doc: 'task-inbox', variables: (ctx) => ({ first: 50, userId: ctx.fixture.nurseId, roles: ['NURSE'] }) },
    { path: 'task-inbox', variables: () => ({ first: 50 }) },
    'nurse',
  ),
  read(
    'opd-queue',
    'OPD queue board: one department, one day, in serving order with position and wait',
    { doc: 'opd-queue', variables: opdQueueVars },
    { doc: 'opd-queue', variables: opdQueueVars },
    { path: 'opd-queue', variables: opdQueueVars },
  ),
  writePath,
  paymentPath,
];

/** The PostGraphile cursor of the deep page's anchor row (the 51st from the end in name order). */
export async function resolvePostGraphileDeepCursor(origin: string): Promise<string | null> {
  const query = `query { ehrPatients(last: 51, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ROW_ID_ASC]) { edges { cursor } } }`;
  const res = await fetch(`${origin}/graphql`, { method: 'POST', headers: json, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: { ehrPatients?: { edges: { cursor: string }[] } } };
  return body.data?.ehrPatients?.edges[0]?.cursor ?? null;
}
