/**
 * SQL statements per request of every benchmark document (bench/scenarios/*.graphql),
 * through the real in-process server over a small synthetic data set:
 * list documents send the same number at page sizes 1, 20 and 200 (the count
 * follows the query's shape, never its rows), and no document exceeds its
 * budget below. A new document without a budget fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNurseInbox } from '../../bench/lib/bench-data.js';
import { loadFixture, type Account, type Fixture } from '../../bench/lib/scenarios.js';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { addCompletePatient } from '../helpers/complete-patient.js';
import { login } from '../helpers/fixtures.js';
import { startApi } from '../../src/app.js';
import { createTestApp, graphqlClient, type TestApp, COUNTING_STATEMENTS, startSecondApi } from '../helpers/test-app.js';

/**
 * Most statements one request of each document may send (authentication,
 * transaction and PHI-log statements included). Today's counts; tighten as the
 * read path gets leaner.
 */
const STATEMENT_BUDGET: Record<string, number> = {
  'appointment-day': 9,
  'create-encounter': 6,
  'invoice-list': 10,
  'mobile-summary': 5,
  'opd-queue': 10,
  'patient-chart': 6,
  'patient-list': 6,
  'patient-page': 5,
  'record-payment': 7,
  // 8 = 6 + the encounter's status, share-locked (vitals in a closed encounter are late entries) + the
  // organization's time zone (the patient's age band at recordedAt, local date); issue 20.
  'record-vital-signs': 8,
  'task-inbox': 8,
};

const PAGE_SIZES = [1, 20, 200];
const DIR = new URL('../../bench/scenarios/', import.meta.url);
const DOCUMENTS = readdirSync(DIR)
  .filter((f) => f.endsWith('.graphql'))
  .map((f) => f.slice(0, -'.graphql'.length))
  .sort();
const documentText = (name: string) => readFileSync(new URL(`${name}.graphql`, DIR), 'utf8');

interface Usage {
  account: Account;
  /** The bench's variables for this document; `prepare` runs uncounted first (a write's prerequisite). */
  variables(f: Fixture, prepared: Record<string, unknown>): Record<string, unknown>;
  prepare?: (f: Fixture, gql: (doc: string, vars: Record<string, unknown>) => Promise<Record<string, any>>) => Promise<Record<string, unknown>>;
  /** A list whose page size is `variables.first`. */
  paged: boolean;
}

/** Realistic variables per document, as bench/lib/scenarios.ts sends them. */
const USAGE: Record<string, Usage> = {
  'appointment-day': { account: 'physician', paged: true, variables: (f) => ({ first: 100, ...f.appointmentDay }) },
  'create-encounter': {
    account: 'physician',
    paged: false,
    variables: (f) => ({ input: { patientId: f.writePatientIds[0], encounterType: 'OUTPATIENT', reason: 'Benchmark follow-up' } }),
  },
  'invoice-list': { account: 'billing', paged: true, variables: () => ({ first: 50, status: ['ISSUED', 'PARTIALLY_PAID'] }) },
  'mobile-summary': { account: 'physician', paged: true, variables: () => ({ first: 20 }) },
  'opd-queue': { account: 'physician', paged: true, variables: (f) => ({ first: 50, ...f.queue }) },
  'patient-chart': { account: 'physician', paged: false, variables: (f) => ({ id: f.chartPatientId }) },
  'patient-list': { account: 'physician', paged: true, variables: () => ({ first: 100, search: null }) },
  'patient-page': { account: 'physician', paged: true, variables: () => ({ first: 20, after: null }) },
  'record-payment': {
    account: 'billing',
    paged: false,
    variables: (f) => ({ input: { invoiceId: f.invoiceIds[0], amount: '0.01', method: 'CASH' } }),
  },
  'record-vital-signs': {
    account: 'physician',
    paged: false,
    // The bench records vitals in the encounter it just opened.
    prepare: async (f, gql) => {
      const data = await gql(documentText('create-encounter'), USAGE['create-encounter']!.variables(f, {}));
      return { encounterId: data.createEncounter.encounter.id };
    },
    variables: (f, prepared) => ({
      input: { patientId: f.writePatientIds[0], encounterId: prepared.encounterId, systolicBp: 118, diastolicBp: 76, heartRate: 72, temperatureC: 36.8, spo2: 98 },
    }),
  },
  'task-inbox': { account: 'nurse', paged: true, variables: () => ({ first: 50 }) },
};


let app: TestApp;
let fixture: Fixture;
const tokens = new Map<Account, string>();

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  await seedSyntheticData(app.admin, { patients: 600 });
  await addNurseInbox(app.admin);
  await addCompletePatient(app.admin);
  await app.admin`analyze`;
  fixture = await loadFixture(app.databaseUrl);
  for (const account of ['physician', 'billing', 'nurse'] as const) {
    tokens.set(account, (await login(app, `${account}@northwind.example`, DEMO_PASSWORD)).accessToken);
  }
}, 240_000);
afterAll(() => app?.close());

/** SQL statements postgres.js sent for one request of `name`. */
async function statementsOf(name: string, override: Record<string, unknown> = {}): Promise<number> {
  const usage = USAGE[name]!;
  const token = tokens.get(usage.account)!;
  const gql = async (doc: string, vars: Record<string, unknown>) => {
    const res = await app.gql(doc, vars, token);
    expect(res.errors, `${name}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    return res.data!;
  };
  const prepared = usage.prepare ? await usage.prepare(fixture, gql) : {};
  // A warm viewer cache, as under load (the bench counts the same way): authentication costs no statement.
  await gql('{ me { userId } }', {});
  const counter = app.api.deps.db.statements;
  const before = counter.count;
  counter.capture = [];
  await gql(documentText(name), { ...usage.variables(fixture, prepared), ...override });
  if (process.env.DEBUG_STATEMENTS) console.log(name, override, counter.capture.map((q) => /\/\* (\w+)/.exec(q)?.[1] ?? q.trim().split(/\s+/).slice(0, 2).join(' ')).join(', '));
  counter.capture = undefined;
  return counter.count - before;
}

describe('SQL statements of the benchmark documents', () => {
  it('has a budget and bench variables for every document in bench/scenarios', () => {
    expect(DOCUMENTS.filter((d) => !(d in STATEMENT_BUDGET)), 'documents without a STATEMENT_BUDGET entry').toEqual([]);
    expect(DOCUMENTS.filter((d) => !(d in USAGE)), 'documents without variables in USAGE').toEqual([]);
  });

  it.each(DOCUMENTS.filter((d) => USAGE[d]?.paged))('%s sends as many statements at page sizes 1, 20 and 200', async (name) => {
    const counts: number[] = [];
    for (const first of PAGE_SIZES) counts.push(await statementsOf(name, { first }));
    expect(counts, `${name} at page sizes ${PAGE_SIZES.join('/')}`).toEqual(counts.map(() => counts[0]));
  });

  it.each(DOCUMENTS)('%s stays within its statement budget', async (name) => {
    expect(USAGE[name], `no variables for ${name}`).toBeDefined();
    const count = await statementsOf(name);
    expect(count, `${name}: ${count} statements, budget ${STATEMENT_BUDGET[name]}`).toBeLessThanOrEqual(STATEMENT_BUDGET[name] ?? 0);
  });
});

/**
 * The compiled executor (graphql-jit, the default, from a document's second
 * run) must answer exactly as Apollo's graphql-js executor does: every read document of the bench, the
 * schema's introspection and documents that fail (bad variable, bad id,
 * unknown node), compared as JSON against a second server on the same
 * database running GRAPHQL_EXECUTOR=graphql-js.
 */
describe('the compiled executor answers as graphql-js does', () => {
  const WRITES = new Set(['create-encounter', 'record-payment', 'record-vital-signs']);
  let reference: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    reference = await startSecondApi(app.databaseUrl, { GRAPHQL_EXECUTOR: 'graphql-js', ...COUNTING_STATEMENTS });
  });
  afterAll(() => reference?.stop());

  /** Both answers, without the per-request id errors carry. */
  async function bothAnswers(document: string, variables: Record<string, unknown>, token: string) {
    const withoutRequestIds = (res: unknown) => JSON.parse(JSON.stringify(res, (key, value: unknown) => (key === 'requestId' ? undefined : value))) as unknown;
    // A document's first run is graphql-js's too; it is compiled on its second.
    await app.gql(document, variables, token);
    const [compiled, interpreted] = await Promise.all([app.gql(document, variables, token), graphqlClient(reference.url)(document, variables, token)]);
    return { compiled: withoutRequestIds(compiled), interpreted: withoutRequestIds(interpreted), errors: compiled.errors };
  }

  const compilations = async () =>
    Number(/^graphql_operations_compiled_total (\d+)/m.exec(await fetch(app.api.metricsUrl).then((r) => r.text()))?.[1] ?? 'NaN');

  it.each(DOCUMENTS.filter((d) => !WRITES.has(d)))('%s', async (name) => {
    const usage = USAGE[name]!;
    const answers = await bothAnswers(documentText(name), usage.variables(fixture, {}), tokens.get(usage.account)!);
    expect(answers.errors).toBeUndefined();
    expect(answers.compiled).toEqual(answers.interpreted);
  });

  it('compiles a document on its second run, not its first', async () => {
    const document = '{ me { userId } c: patients(first: 2) { totalCount } }';
    const token = tokens.get('physician')!;
    const before = await compilations();
    await app.gql(document, {}, token);
    expect(await compilations()).toBe(before);
    await app.gql(document, {}, token);
    expect(await compilations()).toBe(before + 1);
    await app.gql(document, {}, token);
    expect(await compilations()).toBe(before + 1);
  });

  it.each([
    ['introspection', '{ __schema { queryType { name } types { kind name fields(includeDeprecated: true) { name args { name defaultValue } type { kind name ofType { kind name } } } } } }', {}],
    ['a variable of the wrong type', 'query($first: Int!) { patients(first: $first) { totalCount } }', { first: 'twenty' }],
    ['a malformed id', '{ patient(id: "not-an-id") { id firstName } }', {}],
    ['an unknown node', '{ node(id: "UGF0aWVudDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA") { id ... on Patient { firstName } } }', {}],
    ['a page too large', '{ patients(first: 5000) { edges { cursor } } }', {}],
    ['a cursor of another list', '{ patients(first: 1, after: "bm90LWEtY3Vyc29y") { edges { cursor } } }', {}],
  ] as const)('%s', async (_label, document, variables) => {
    const answers = await bothAnswers(document, variables, tokens.get('physician')!);
    expect(answers.compiled).toEqual(answers.interpreted);
  });
});
