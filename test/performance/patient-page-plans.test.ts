import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * patient_page_unfiltered (migration 000020) answers the unfiltered patient page from generic plans kept per
 * connection. A generic plan does not see the values, so each of its static queries must be an index scan in the
 * page's order without a sort, and with a cursor the index must start at it. auto_explain reports the plans of the
 * function's own statements as notices.
 */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const ORG = '00000000-0000-4000-8000-000000000001';
const ID = '00000000-0000-4000-8000-000000000002';
const CURSORS: Record<string, [string, string | null]> = {
  NAME: ['Smith', 'Anna'],
  DATE_OF_BIRTH: ['1970-01-01', null],
  CREATED_AT: ['2025-06-01T00:00:00.123456Z', null],
};

/** The plan of each statement the function ran for these arguments, as auto_explain printed it. */
async function nestedPlans(ordering: string, descending: boolean, withCursor: boolean): Promise<string[]> {
  const plans: string[] = [];
  const sql = postgres(app.databaseUrl, { max: 1, onnotice: (notice) => void plans.push(String(notice.message)) });
  try {
    await sql.begin(async (tx) => {
      await tx`load 'auto_explain'`;
      await tx`select set_config('auto_explain.log_min_duration', '0', true), set_config('auto_explain.log_nested_statements', 'on', true),
                      set_config('auto_explain.log_level', 'notice', true), set_config('enable_sort', 'off', true),
                      set_config('enable_seqscan', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)`;
      const [k1, k2] = withCursor ? CURSORS[ordering]! : [null, null];
      await tx`select * from patient_page_unfiltered(${ORG}::uuid, ${ordering}::text, ${descending}::boolean, ${k1}::text, ${k2}::text,
                                                     ${withCursor ? ID : null}::uuid, 21::int)`;
    });
  } finally {
    await sql.end();
  }
  return plans.filter((p) => p.includes('ehr_patients'));
}

describe('the unfiltered patient page runs from kept plans that scan an index in order', () => {
  for (const ordering of ['NAME', 'DATE_OF_BIRTH', 'CREATED_AT']) {
    for (const descending of [false, true]) {
      for (const withCursor of [false, true]) {
        it(`${ordering} ${descending ? 'descending' : 'ascending'}${withCursor ? ' from a cursor' : ''}`, async () => {
          const plans = await nestedPlans(ordering, descending, withCursor);
          expect(plans).toHaveLength(1);
          const plan = plans[0]!;
          expect(plan).not.toMatch(/\bSort\b/);
          expect(plan).toMatch(descending ? /Index Scan Backward using ehr_patients_live_/ : /Index Scan using ehr_patients_live_/);
          // A generic plan: the values are parameters even though the transaction asks for custom plans.
          expect(plan).toMatch(/organization_id = \$1/);
          if (withCursor) expect(plan).toMatch(descending ? /ROW\([^)]*\) < ROW/ : /ROW\([^)]*\) > ROW/);
        });
      }
    }
  }
});
