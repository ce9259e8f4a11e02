/**
 * Keyset lists are written once for both scan directions: the direction is a
 * parameter that custom plans fold away (see scansDescending in
 * src/kernel/pagination.ts). Proof that they do: planned with its parameters
 * (EXPLAIN does, as a custom plan does), with sorting and sequential scans
 * priced out, each page is an index scan in its direction, never a sort. Were
 * the direction written in a way the planner cannot fold, the order could no
 * longer come from the index and a Sort node would appear. And request
 * transactions do plan every statement with its parameters.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSql } from '../../src/kernel/db/pool.js';
import { enterTenantScope } from '../../src/kernel/db/tenant-scope.js';
import { CursorCodec, type PageRequest } from '../../src/kernel/pagination.js';
import { encounterList, encountersOfPatients } from '../../src/patients/encounter-repository.js';
import { invoiceList } from '../../src/billing/invoice-repository.js';
import { vitalSignsOfPatients } from '../../src/patients/vital-signs-repository.js';
import { appointmentList } from '../../src/scheduling/appointment-repository.js';
import { transitionsOfInstances } from '../../src/workflows/instance-repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const ORG = '00000000-0000-4000-8000-000000000001';
const ID = '00000000-0000-4000-8000-000000000002';
const codec = CursorCodec.ephemeral();
const pageOf = (forward: boolean, cursor: PageRequest['cursor']): PageRequest => ({ forward, limit: 20, cursor, ordering: 'plan', cursors: codec });

/**
 * The plan of the statement a list sends: the list runs in a transaction of a connection that records what it
 * sends (lists compose their statement from fragments, see src/kernel/keyset.ts), then the last statement is
 * explained with the same parameters.
 */
async function planOf(list: (tx: TransactionSql, page: PageRequest) => Promise<unknown[]>, page: PageRequest): Promise<string> {
  let sent: { text: string; parameters: postgres.ParameterOrJSON<never>[] } | undefined;
  // A copy: postgres.js serializes the array it hands to `debug` in place once the statement is described.
  const debug = (_connection: number, text: string, parameters: unknown[]) =>
    (sent = { text, parameters: [...parameters] as postgres.ParameterOrJSON<never>[] });
  const sql = postgres(app.databaseUrl, { max: 1, onnotice: () => {}, debug });
  try {
    return await sql.begin(async (tx) => {
      await tx`select set_config('enable_sort', 'off', true), set_config('enable_seqscan', 'off', true)`;
      await list(tx as unknown as TransactionSql, page);
      const rows = await tx.unsafe(`explain (costs off) ${sent!.text}`, sent!.parameters);
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
  } finally {
    await sql.end();
  }
}

type List = (tx: TransactionSql, page: PageRequest) => Promise<unknown[]>;
/** A list filter that filters nothing: every field null. */
const noFilter = <T,>() => new Proxy({}, { get: () => null }) as T;
const AT = '2025-06-01T00:00:00.123456Z';
const LISTS: [string, List, PageRequest['cursor'], 'asc' | 'desc'][] = [
  ['encounterPage', (tx, p) => encounterList.page(tx, ORG, noFilter(), p), [AT, ID], 'desc'],
  ['encounterPagesByPatientIds', (tx, p) => encountersOfPatients.pages(tx, ORG, [ID], null, p), [AT, ID], 'desc'],
  ['vitalSignsPagesByPatientIds', (tx, p) => vitalSignsOfPatients.pages(tx, ORG, [ID], null, p), [AT, ID], 'desc'],
  ['invoicePage', (tx, p) => invoiceList.page(tx, ORG, noFilter(), p), [1000], 'desc'],
  ['appointmentPage', (tx, p) => appointmentList.page(tx, ORG, noFilter(), p), [AT, ID], 'asc'],
  ['transitionPagesByInstanceIds', (tx, p) => transitionsOfInstances.pages(tx, ORG, [ID], null, p), [AT, ID], 'asc'],
];

describe('keyset lists written once plan like one statement per direction', () => {
  for (const [name, list, key, order] of LISTS) {
    for (const forward of [true, false]) {
      for (const cursor of [null, key]) {
        const descending = forward === (order === 'desc');
        it(`${name}: ${forward ? 'forward' : 'backward'}${cursor ? ' from a cursor' : ''} is an index scan ${descending ? 'backward' : 'forward'}, no sort`, async () => {
          const plan = await planOf(list, pageOf(forward, cursor));
          expect(plan).not.toMatch(/\bSort\b/);
          expect(plan).toMatch(descending ? /Index Scan Backward using/ : /Index Scan using/);
          if (cursor) expect(plan).toMatch(descending ? /ROW\([^)]*\) < ROW|invoice_seq < / : /ROW\([^)]*\) > ROW|invoice_seq > /);
        });
      }
    }
  }

  it('request transactions plan each statement with its parameters (force_custom_plan)', async () => {
    const mode = await app.admin.begin(async (sql) => {
      await enterTenantScope(sql as unknown as TransactionSql, { organizationId: ORG, userId: null, requestId: 'plans' }, 5000);
      const [row] = await sql`select current_setting('plan_cache_mode') as mode`;
      return row!.mode as string;
    });
    expect(mode).toBe('force_custom_plan');
  });
});
