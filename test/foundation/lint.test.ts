import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** SafeQL is our compile-time query verification: prove it fails on a query naming a missing column. */
let app: TestApp;
const probe = 'src/__safeql_probe__.ts';

beforeAll(async () => {
  app = await createTestApp();
  writeFileSync(
    probe,
    `import type { TransactionSql } from './kernel/db/pool.js';

export async function good(tx: TransactionSql, id: string) {
  return tx<{ id: string; mrn: string }[]>\`select id, mrn from ehr_patients where id = \${id}::uuid\`;
}

export async function bad(tx: TransactionSql, id: string) {
  return tx<{ id: string }[]>\`select id, medical_record_no from ehr_patients where id = \${id}::uuid\`;
}
`,
  );
});
afterAll(async () => {
  rmSync(probe, { force: true });
  await app.close();
});

describe('npm run lint (SafeQL)', () => {
  it('fails on a query that names a missing column, and passes the correct one', () => {
    const result = spawnSync('npx', ['eslint', '--no-warn-ignored', probe], {
      env: { ...process.env, SAFEQL_DATABASE_URL: app.databaseUrl },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/column "medical_record_no" does not exist/);
    const errorLines = result.stdout.split('\n').filter((l) => /^\s+\d+:\d+\s+error/.test(l));
    expect(errorLines).toHaveLength(1); // only the bad query; the good one checks out
    expect(errorLines[0]).toMatch(/^\s+8:/);
  }, 120_000);
});
