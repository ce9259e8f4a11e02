import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe('health', () => {
  it('reports the database and migration level without authentication', async () => {
    const res = await app.gql(`{ health { database migrations { current latest upToDate } checkedAt } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.health.database).toBe('UP');
    expect(res.data?.health.migrations.upToDate).toBe(true);
    expect(res.data?.health.migrations.current).toBe(res.data?.health.migrations.latest);
    expect(res.data?.health.migrations.current).toMatch(/^\d{6}\.sql$/);
  });

  it('answers /healthz', async () => {
    const res = await fetch(app.api.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
  });

  it('masks unexpected errors and carries a request id', async () => {
    const res = await app.gql(`{ nope }`);
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.extensions.requestId).toEqual(expect.any(String));
  });

  it('refuses a body over the size limit', async () => {
    const res = await fetch(app.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ health { database } }`, pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
  });
});
