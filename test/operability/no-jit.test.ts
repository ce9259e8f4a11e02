import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSql } from '../../src/kernel/db/pool.js';
import { enterTenantScope } from '../../src/kernel/db/tenant-scope.js';
import { createOrganization, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let org: TestOrganization;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'north');
});
afterAll(() => app.close());

/** The admin pool's transactions are the app's (same driver; the app only adds a date parser). */
const asAppTx = (tx: unknown) => tx as TransactionSql;

/** Whether EXPLAIN ANALYZE of a patient page in this transaction reports JIT compilation. */
async function jitCompiles(tx: TransactionSql): Promise<boolean> {
  // Every plan passes the thresholds: JIT would compile this statement if it were on.
  await tx`select set_config('jit_above_cost', '0', true), set_config('jit_inline_above_cost', '0', true),
                  set_config('jit_optimize_above_cost', '0', true)`;
  const [row] = await tx.unsafe<{ 'QUERY PLAN': unknown }[]>(
    `explain (analyze, format json) select id, last_name from ehr_patients
     where organization_id = $1 and deleted_at is null order by last_name, first_name, id limit 21`,
    [org.id],
  );
  return JSON.stringify(row!['QUERY PLAN']).includes('"JIT"');
}

describe('JIT', () => {
  it('never compiles a request statement, on a PostgreSQL where JIT is available or not', async () => {
    const [jitInstalled] = await app.admin<{ available: boolean }[]>`select pg_jit_available() as available`;
    const available = jitInstalled!.available;
    // Control: outside a request scope, with JIT on, this PostgreSQL compiles exactly when it can.
    const control = await app.admin.begin(async (tx) => {
      await tx`select set_config('jit', 'on', true)`;
      return jitCompiles(asAppTx(tx));
    });
    expect(control).toBe(available);
    // A request transaction: the tenant scope turns JIT off (a 0.1 ms statement once took 1 s to compile).
    const inRequest = await app.admin.begin(async (tx) => {
      await enterTenantScope(asAppTx(tx), { organizationId: org.id, userId: null, requestId: 'no-jit-test' }, 5_000);
      const [setting] = await tx<{ jit: string }[]>`select current_setting('jit') as jit`;
      expect(setting!.jit).toBe('off');
      return jitCompiles(asAppTx(tx));
    });
    expect(inRequest).toBe(false);
  });
});
