import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** What a browser opening `/graphql` gets, over plain HTTP (graphiql.test.ts drives the page in Chromium). */
const NAVIGATION = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('EXPLORER=graphiql (the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => app.close());

  it('serves a GraphiQL page whose every file comes from this server, behind a CSP that allows no other origin', async () => {
    const page = await fetch(app.api.url, { headers: NAVIGATION });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^graphiql\/graphiql-\d+\.\d+\.\d+\.js$/), 'graphiql/boot.js']));
    for (const file of files) {
      const res = await fetch(new URL(file, app.api.url));
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect((await res.arrayBuffer()).byteLength, file).toBeGreaterThan(0);
    }
  });

  it('answers a JSON GET as GraphQL, with CSRF prevention intact, and 404 for files it does not have', async () => {
    const query = `${app.api.url}?query=${encodeURIComponent('{ health { database } }')}`;
    expect((await fetch(query)).status).toBe(400);
    const ok = await fetch(query, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { health: { database: 'UP' } } });
    expect((await fetch(new URL('/graphiql/secrets.js', app.api.url))).status).toBe(404);
  });
});

describe('EXPLORER=sandbox', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: 'development', EXPLORER: 'sandbox' });
  });
  afterAll(() => app.close());

  it("keeps Apollo's landing page with the embedded Sandbox, and serves no GraphiQL files", async () => {
    const page = await fetch(app.api.url, { headers: NAVIGATION });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/embeddable-sandbox/i);
    expect((await fetch(new URL('/graphiql/boot.js', app.api.url))).status).toBe(404);
  });
});
