import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await createTestApp({ METRICS_MAX_OPERATIONS: '3' });
  const org = await createOrganization(app.admin, 'north');
  token = (await app.api.deps.tokens.issueAccessToken({ userId: org.users.NURSE.id, organizationId: org.id, roles: ['NURSE'] })).token;
});
afterAll(() => app.close());

const metricsText = async () => (await fetch(app.api.metricsUrl)).text();
/** The distinct `operation` label values of graphql_requests_total. */
const operationLabels = async () =>
  new Set([...(await metricsText()).matchAll(/^graphql_requests_total\{operation="([^"]*)"/gm)].map((m) => m[1]));

describe('metrics', () => {
  it('are served on their own listener (127.0.0.1 by default), not on the API port', async () => {
    expect(new URL(app.api.metricsUrl).hostname).toBe('127.0.0.1');
    expect(new URL(app.api.metricsUrl).port).not.toBe(new URL(app.api.url).port);
    const onApi = await fetch(app.api.url.replace('/graphql', '/metrics'));
    expect(onApi.status).toBe(404);
    expect(await onApi.text()).not.toContain('graphql_requests_total');
    const metrics = await fetch(app.api.metricsUrl);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('sql_statements_total');
  });

  it('keep random operation names of anonymous callers out of the labels: at most one `other` series', async () => {
    const before = await operationLabels();
    const names = Array.from({ length: 25 }, () => `Probe${randomBytes(6).toString('hex')}`);
    for (const name of names) {
      const res = await app.gql(`query ${name} { health { checkedAt } }`);
      expect(res.errors).toBeUndefined();
    }
    const after = await operationLabels();
    for (const name of names) expect(after.has(name), name).toBe(false);
    const added = [...after].filter((l) => !before.has(l));
    expect(added.length).toBeLessThanOrEqual(1);
    expect(after.has('other')).toBe(true);
    const text = await metricsText();
    expect(text).toMatch(/graphql_requests_total\{operation="other",outcome="ok"\} 25/);
  });

  it('label names of signed-in users up to METRICS_MAX_OPERATIONS, then `other`; known names stay labelled for everyone', async () => {
    for (const name of ['WardList', 'PatientChart', 'Vitals', 'OneTooMany', 'AndAnother']) {
      expect((await app.gql(`query ${name} { me { userId } }`, {}, token)).errors).toBeUndefined();
    }
    const labels = await operationLabels();
    for (const name of ['WardList', 'PatientChart', 'Vitals']) expect(labels.has(name), name).toBe(true);
    for (const name of ['OneTooMany', 'AndAnother']) expect(labels.has(name), name).toBe(false);
    // A name already known is labelled whoever sends it.
    await app.gql(`query WardList { health { checkedAt } }`);
    expect(await metricsText()).toMatch(/graphql_requests_total\{operation="WardList",outcome="ok"\} 2/);
  });
});
