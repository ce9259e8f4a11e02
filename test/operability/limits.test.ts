import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { collect, wsClient } from '../scheduling/helpers.js';

const MOBILE_SUMMARY = readFileSync(new URL('../../bench/scenarios/mobile-summary.graphql', import.meta.url), 'utf8');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  const org = await createOrganization(app.admin, 'north');
  token = (await login(app, org.users.PHYSICIAN.email)).accessToken;
  await app.gql('{ me { id } }', {}, token); // the viewer check is now cached: later statement counts are the document's own
});
afterAll(() => app.close());

/** Statements sent while running `query`: a refused document must not reach the database. */
async function statementsFor(query: string) {
  const before = app.api.deps.db.statements.count;
  const res = await app.gql(query, {}, token);
  return { res, statements: app.api.deps.db.statements.count - before };
}

describe('query limits', () => {
  it('refuses deep nesting before any SQL runs', async () => {
    let selection = 'id';
    for (let i = 0; i < 8; i++) selection = `encounters(first: 1) { edges { node { patient { ${selection} } } } }`;
    const { res, statements } = await statementsFor(`{ patients(first: 1) { edges { node { ${selection} } } } }`);
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.some((e) => /depth limit/i.test(e.message))).toBe(true);
    expect(statements).toBe(0);
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: me { id }`).join(' ');
    const { res, statements } = await statementsFor(`{ ${aliases} }`);
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/alias/i);
    expect(statements).toBe(0);
  });

  it('refuses a huge token count', async () => {
    const fields = Array.from({ length: 6000 }, () => 'id').join(' ');
    const { res, statements } = await statementsFor(`{ me { ${fields} } }`);
    expect(res.errors?.[0]?.extensions.code, JSON.stringify(res.errors)).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/token/i);
    expect(statements).toBe(0);
  });

  it('refuses a cost explosion of nested pages', async () => {
    const { res } = await statementsFor(
      `{ patients(first: 1000) { edges { node { encounters(first: 1000) { edges { node { id vitalSigns { id } } } } } } } }`,
    );
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/cost/i);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await fetch(app.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('admits the mobile summary and the Sandbox introspection query', async () => {
    const summary = await app.gql(MOBILE_SUMMARY, { first: 20 }, token);
    expect(summary.errors).toBeUndefined();
    const literal = await app.gql(MOBILE_SUMMARY.replace('$first: Int!, ', '').replace('first: $first', 'first: 20'), {}, token);
    expect(literal.errors).toBeUndefined();
    const introspection = await app.gql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data?.__schema.queryType.name).toBe('Query');
  });
});

describe('persisted queries', () => {
  it('APQ: registers a query, then runs it by hash alone; an unknown hash is PERSISTED_QUERY_NOT_FOUND', async () => {
    const query = '{ me { email } }';
    const ext = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const post = (body: unknown) =>
      fetch(app.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    const unknown = await post({ extensions: ext });
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: ext })).data.me.email).toMatch(/@north\.test$/);
    expect((await post({ extensions: ext })).data.me.email).toMatch(/@north\.test$/);
  });

  it('trusted-documents mode runs listed operations (by text or hash) and refuses any other', async () => {
    const me = 'query Me { me { email } }';
    const signIn = 'mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }'; // the fixture's login
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    const manifest = path.join(dir, 'persisted-query-manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [
          { id: sha256(me), name: 'Me', type: 'query', body: me },
          { id: sha256(signIn), name: 'Login', type: 'mutation', body: signIn },
        ],
      }),
    );
    const trusted = await createTestApp({ TRUSTED_DOCUMENTS: manifest });
    try {
      const org = await createOrganization(trusted.admin, 'trusted');
      const t = (await login(trusted, org.users.NURSE.email)).accessToken;
      expect((await trusted.gql(me, {}, t)).data?.me.email).toBe(org.users.NURSE.email);
      const byHash = await fetch(trusted.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
        body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(me) } } }),
      }).then((r) => r.json() as Promise<any>);
      expect(byHash.data.me.email).toBe(org.users.NURSE.email);
      const unlisted = await trusted.gql('{ me { userId } }', {}, t);
      expect(unlisted.errors?.[0]?.extensions.code).toBe('OPERATION_NOT_TRUSTED');
      expect(unlisted.data ?? null).toBeNull();
      // Subscriptions over WebSocket obey the same manifest.
      const client = wsClient(trusted.api, { authorization: `Bearer ${t}` });
      const sub = collect(client, 'subscription($d: ID!) { opdQueueUpdated(departmentId: $d) { __typename } }', { d: '00000000-0000-4000-8000-000000000000' });
      await sub.ended();
      expect(JSON.stringify(sub.errors)).toMatch(/OPERATION_NOT_TRUSTED/);
      await client.dispose();
    } finally {
      await trusted.close();
    }
  });
});
