import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMainProcess, type MainProcess } from '../helpers/main-process.js';
import { createTestApp, graphqlClient, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';

/** API_PROCESSES=2: one port served by two worker processes, restarted when one dies, with one /metrics for both. */
let app: TestApp;
let main: MainProcess;

beforeAll(async () => {
  app = await createTestApp();
  main = await startMainProcess({ DATABASE_URL: app.databaseUrl, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn', API_PROCESSES: '2' });
}, 120_000);
afterAll(async () => {
  await main?.stop();
  await app?.close();
});

/** The pids of the primary's children (its workers). */
async function workers(): Promise<number[]> {
  const { readFile } = await import('node:fs/promises');
  const pid = main.child.pid!;
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

const statementsOf = async () => Number(/^sql_statements_total (\d+)/m.exec(await (await fetch(main.metricsUrl)).text())?.[1] ?? NaN);

describe('API_PROCESSES', () => {
  it('serves one port from two workers and sums their statements in one /metrics', async () => {
    expect(await workers()).toHaveLength(2);
    const gql = graphqlClient(main.url);
    const before = await statementsOf();
    const answers = await Promise.all(Array.from({ length: 6 }, () => gql('{ health { database } }')));
    for (const a of answers) expect(a.data?.health.database).toBe('UP');
    expect(await statementsOf()).toBeGreaterThan(before);
  });

  it('starts another worker when one dies, and keeps serving', async () => {
    const [victim] = await workers();
    process.kill(victim!, 'SIGKILL');
    await waitFor(async () => {
      const now = await workers();
      return now.length === 2 && !now.includes(victim!);
    }, 'a replacement worker');
    // Each worker answers: a request lands on either, round-robin.
    const gql = graphqlClient(main.url);
    for (let i = 0; i < 4; i++) expect((await gql('{ health { database } }')).data?.health.database).toBe('UP');
    expect(main.output().stderr + main.output().stdout).toMatch(/an API worker exited; starting another/);
  });
});
