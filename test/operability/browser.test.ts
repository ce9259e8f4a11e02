import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ NODE_ENV: 'production', CORS_ORIGINS: 'https://app.clinic.example,https://admin.clinic.example' });
});
afterAll(() => app.close());

describe('browser clients', () => {
  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(app.api.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight('https://app.clinic.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.clinic.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps CSRF prevention on: a simple (non-JSON) GET without a preflight header is refused', async () => {
    const res = await fetch(`${app.api.url}?query=${encodeURIComponent('{ health { database } }')}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${app.api.url}?query=${encodeURIComponent('{ health { database } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(ok.status).toBe(200);
  });

  it('in production, introspection needs a signed-in user and field suggestions are hidden', async () => {
    const anonymous = await app.gql(getIntrospectionQuery());
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const org = await createOrganization(app.admin, 'north');
    const token = (await login(app, org.users.ANALYST.email)).accessToken;
    const signedIn = await app.gql(getIntrospectionQuery(), {}, token);
    expect(signedIn.errors).toBeUndefined();
    const typo = await app.gql('{ healht { database } }', {}, token);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
