/**
 * No request statement is JIT-compiled (issue 22): a 0.1 ms index scan once took
 * ~300 ms per execution on PostgreSQL 15 with LLVM, because custom plans plan
 * (and JIT-compile) every execution again once an estimate passes jit_above_cost.
 *
 * The bench's documents, a sign-in, a write and a report go through a real
 * server whose database JIT-compiles everything it plans (jit = on, every
 * jit_*_cost = 0). Every transaction the server opened must start with a scope
 * statement that turns JIT off; then every statement it sent is planned again
 * (EXPLAIN: JIT is decided at planning and shows without executing, so writes
 * are safe to replay) after the very scope statement of its transaction, with
 * its own text and parameters: no plan may carry a JIT section. The control
 * replays the same after turning JIT back on: where this PostgreSQL has JIT
 * (`pg_jit_available()`: the machine's PostgreSQL 15) every plan carries one,
 * so the check can fail; where it has none (the embedded PostgreSQL) none does,
 * and the scope statements are still checked.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNurseInbox } from '../../bench/lib/bench-data.js';
import { loadFixture, type Fixture } from '../../bench/lib/scenarios.js';
import { startApi } from '../../src/app.js';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { login } from '../helpers/fixtures.js';
import { COUNTING_STATEMENTS, createTestApp, graphqlClient, type TestApp, startSecondApi } from '../helpers/test-app.js';

let app: TestApp;
/** A connection opened after the database's JIT settings changed, as the server's are. */
let replay: postgres.Sql;
let server: Awaited<ReturnType<typeof startApi>>;
let fixture: Fixture;
let jitAvailable: boolean;

const document = (name: string) => readFileSync(new URL(`../../bench/scenarios/${name}.graphql`, import.meta.url), 'utf8');
const JIT_EVERYTHING = ['jit = on', 'jit_above_cost = 0', 'jit_inline_above_cost = 0', 'jit_optimize_above_cost = 0'];
const SCOPE_TURNS_JIT_OFF = "set_config('jit', 'off', true)";

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  await seedSyntheticData(app.admin, { patients: 300 });
  await addNurseInbox(app.admin);
  await app.admin`analyze`;
  fixture = await loadFixture(app.databaseUrl);
  const [jit] = await app.admin<{ available: boolean }[]>`select pg_jit_available() as available`;
  jitAvailable = jit!.available;
  const [db] = await app.admin<{ name: string }[]>`select current_database() as name`;
  // This file's own database; connections opened from now on get these settings.
  for (const setting of JIT_EVERYTHING) await app.admin.unsafe(`alter database "${db!.name}" set ${setting}`);
  replay = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
  const [cost] = await replay<{ cost: string }[]>`select current_setting('jit_above_cost') as cost`;
  expect(cost!.cost).toBe('0');
  // A server whose pool connects after the change (direct, whatever the run's topology).
  server = await startSecondApi(app.databaseUrl, COUNTING_STATEMENTS);
}, 240_000);
afterAll(async () => {
  await server?.stop();
  await replay?.end();
  await app?.close();
});

interface Sent {
  text: string;
  parameters: unknown[];
}
/** What one transaction sent: its scope statement, then its other statements. */
interface Transaction {
  scope: Sent;
  statements: Sent[];
}

/** Runs the requests with the server's statement capture on; returns its transactions. */
async function transactionsOf(requests: () => Promise<void>): Promise<{ transactions: Transaction[]; outside: string[] }> {
  const counter = server.deps.db.statements;
  const texts: string[] = (counter.capture = []);
  const parameters: unknown[][] = (counter.captureParameters = []);
  const connections: number[] = (counter.captureConnections = []);
  try {
    await requests();
  } finally {
    counter.capture = counter.captureParameters = counter.captureConnections = undefined;
  }
  const open = new Map<number, Transaction | 'begun'>();
  const transactions: Transaction[] = [];
  const outside: string[] = [];
  texts.forEach((raw, i) => {
    const text = raw.trim();
    const connection = connections[i]!;
    const current = open.get(connection);
    if (/^begin\b/i.test(text)) open.set(connection, 'begun');
    else if (/^(commit|rollback)\b/i.test(text)) open.delete(connection);
    else if (current === 'begun') {
      const transaction = { scope: { text, parameters: parameters[i]! }, statements: [] };
      transactions.push(transaction);
      open.set(connection, transaction);
    } else if (current) current.statements.push({ text, parameters: parameters[i]! });
    else outside.push(text);
  });
  return { transactions, outside };
}

/** Plans `sent` after its transaction's scope statement (then JIT on again, for the control); whether the plan JITs. */
async function planJits(scope: Sent, sent: Sent, jitOnAgain: boolean): Promise<boolean> {
  let jits = false;
  await replay
    .begin(async (tx) => {
      await tx.unsafe(scope.text, scope.parameters as never[]);
      if (jitOnAgain) await tx`select set_config('jit', 'on', true)`;
      const [row] = await tx.unsafe<{ 'QUERY PLAN': unknown }[]>(`explain (format json) ${sent.text}`, sent.parameters as never[]);
      jits = JSON.stringify(row!['QUERY PLAN']).includes('"JIT"');
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return jits;
}
class RolledBack extends Error {}

describe('JIT on the request path', () => {
  it('is off in every transaction of reads, writes, sign-in and reports, even where every plan would be compiled', async () => {
    const gql = graphqlClient(server.url);
    const ok = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const res = await gql(query, variables, token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data!;
    };
    const token = async (account: string) => (await login({ gql }, `${account}@northwind.example`, DEMO_PASSWORD)).accessToken;
    const physician = await token('physician');
    const billing = await token('billing');

    const { transactions, outside } = await transactionsOf(async () => {
      await token('nurse'); // sign-in: the auth scope
      const first = await ok(document('patient-page'), { first: 20, after: null }, physician);
      await ok(document('patient-page'), { first: 20, after: first.patients.pageInfo.endCursor }, physician);
      await ok(document('mobile-summary'), { first: 20 }, physician);
      await ok(document('patient-list'), { first: 100, search: 'ma' }, physician);
      await ok(document('patient-chart'), { id: fixture.chartPatientId }, physician);
      await ok(document('create-encounter'), { input: { patientId: fixture.writePatientIds[0], encounterType: 'OUTPATIENT', reason: 'JIT check' } }, physician);
      await ok('query($from: Date!, $to: Date!) { revenueReport(from: $from, to: $to, groupBy: MONTH) { rows { label } totals { netCollected } } }', { from: '2020-01-01', to: '2029-12-31' }, billing);
    });

    expect(outside, 'statements sent outside a transaction').toEqual([]);
    expect(transactions.length).toBeGreaterThanOrEqual(8);
    for (const { scope } of transactions) expect(scope.text, 'the first statement of a request transaction').toContain(SCOPE_TURNS_JIT_OFF);

    const statements = transactions.flatMap((t) => t.statements.map((sent) => ({ scope: t.scope, sent })));
    expect(statements.length).toBeGreaterThanOrEqual(15);
    const label = (sent: Sent) => /\/\*\s*(\w+)/.exec(sent.text)?.[1] ?? sent.text.slice(0, 60);
    const compiledInScope: string[] = [];
    const compiledWithJitOn: string[] = [];
    for (const { scope, sent } of statements) {
      if (await planJits(scope, sent, false)) compiledInScope.push(label(sent));
      if (await planJits(scope, sent, true)) compiledWithJitOn.push(label(sent));
    }
    expect(compiledInScope, 'statements JIT-compiled in their request scope').toEqual([]);
    // The control: with JIT back on, every plan is compiled exactly when this PostgreSQL can JIT at all.
    expect(compiledWithJitOn.length, `JIT available: ${jitAvailable}`).toBe(jitAvailable ? statements.length : 0);
  });
});
