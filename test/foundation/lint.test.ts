import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * SafeQL is our compile-time query verification: prove it fails on a query naming a missing column.
 * The probe goes to eslint on stdin under a name inside src/ (so the project's SafeQL block applies)
 * and is never written there. TypeScript's project service only knows files on disk, so the probe
 * alone is let into a default project built from tsconfig.json.
 */
let app: TestApp;
const probe = 'src/__safeql_probe__.ts';
const source = `import type { TransactionSql } from './kernel/db/pool.js';

export async function good(tx: TransactionSql, id: string) {
  return tx<{ id: string; mrn: string }[]>\`select id, mrn from ehr_patients where id = \${id}::uuid\`;
}

export async function bad(tx: TransactionSql, id: string) {
  return tx<{ id: string }[]>\`select id, medical_record_no from ehr_patients where id = \${id}::uuid\`;
}
`;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('npm run lint (SafeQL)', () => {
  it('fails on a query that names a missing column, and passes the correct one', () => {
    const args = ['eslint', '--no-warn-ignored', '--stdin', '--stdin-filename', probe];
    args.push('--parser-options', `projectService:{allowDefaultProject:[${probe}],defaultProject:tsconfig.json}`);
    const result = spawnSync('npx', args, {
      input: source,
      env: { ...process.env, SAFEQL_DATABASE_URL: app.databaseUrl },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/column "medical_record_no" does not exist/);
    const errorLines = result.stdout.split('\n').filter((l) => /^\s+\d+:\d+\s+error/.test(l));
    expect(errorLines).toHaveLength(1); // only the bad query; the good one checks out
    expect(errorLines[0]).toMatch(/^\s+8:/);
    expect(existsSync(probe)).toBe(false);
  }, 120_000);
});
