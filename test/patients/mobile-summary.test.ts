import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSyntheticData } from '../../src/seed/generate.js';
import { addCompletePatient } from '../helpers/complete-patient.js';
import { login } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';

const MOBILE_SUMMARY = readFileSync(new URL('../../bench/scenarios/mobile-summary.graphql', import.meta.url), 'utf8');

let app: TestApp;
let token: string;
let userId: string;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  await seedSyntheticData(app.admin, { patients: 420 });
  await addCompletePatient(app.admin);
  const session = await login(app, 'physician@northwind.example', DEMO_PASSWORD);
  token = session.accessToken;
  userId = (await app.gql(`{ me { userId } }`, {}, token)).data!.me.userId;
}, 180_000);
afterAll(() => app.close());

/** Runs the summary and returns how many SQL statements postgres.js sent for it. */
async function countStatements(first: number) {
  app.api.deps.viewerCache.forget(userId); // same authentication work for every measured request
  const counter = app.api.deps.db.statements;
  const before = counter.count;
  counter.capture = [];
  const res = await app.gql(MOBILE_SUMMARY, { first }, token);
  const labels = counter.capture.map((q) => /\/\* (\w+)/.exec(q)?.[1] ?? q.trim().split(/\s+/).slice(0, 2).join(' '));
  counter.capture = undefined;
  expect(res.errors).toBeUndefined();
  return { statements: counter.count - before, labels, patients: res.data!.patients.edges };
}

describe('nested mobile patient summary', () => {
  it('issues the same number of SQL statements for 1, 20 and 200 patients', async () => {
    const one = await countStatements(1);
    const twenty = await countStatements(20);
    const twoHundred = await countStatements(200);
    expect(one.patients).toHaveLength(1);
    expect(twenty.patients).toHaveLength(20);
    expect(twoHundred.patients).toHaveLength(200);
    // The data is really nested: many patients have encounters with vitals, allergies and prescriptions.
    const nested = twoHundred.patients.filter((e: any) => e.node.encounters.edges.some((x: any) => x.node.vitalSigns.length > 0));
    expect(nested.length).toBeGreaterThan(50);
    expect(twoHundred.patients.some((e: any) => e.node.allergies.length > 0)).toBe(true);
    expect(twoHundred.patients.some((e: any) => e.node.prescriptions.length > 0)).toBe(true);
    expect(twoHundred.patients.every((e: any) => e.node.encounters.edges.length <= 5)).toBe(true);
    console.log(`statements per request: 1 → ${one.statements}, 20 → ${twenty.statements}, 200 → ${twoHundred.statements}`);
    expect(twenty.labels).toEqual(one.labels);
    expect(twoHundred.labels).toEqual(one.labels);
    expect(twenty.statements).toBe(one.statements);
    expect(twoHundred.statements).toBe(one.statements);
  });
});
