import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let north: TestOrganization;
let south: TestOrganization;
let token: string;
let southToken: string;

/** Inserts `n` patients of `org` with colliding and distinct names so ties exercise the id tiebreak. */
async function insertPatients(orgId: string, n: number, prefix: string) {
  await app.admin`
    insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
    select ${orgId}, ${prefix} || '-' || lpad(i::text, 5, '0'), 'Given' || (i % 7), 'Family' || (i % 13),
           date '1950-01-01' + (i * 37 % 20000)
    from generate_series(1, ${n}) as i`;
}

beforeAll(async () => {
  app = await createTestApp();
  north = await createOrganization(app.admin, 'north');
  south = await createOrganization(app.admin, 'south');
  await insertPatients(north.id, 230, 'N');
  await insertPatients(south.id, 50, 'S');
  token = (await login(app, north.users.NURSE.email)).accessToken;
  southToken = (await login(app, south.users.NURSE.email)).accessToken;
});
afterAll(() => app.close());

const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: PatientOrder, $filter: PatientFilter) {
  patients(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    edges { cursor node { patientId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

/** Every ordering and direction; walked forward and backward, so each scans both ways (from a cursor and without one). */
const ORDERINGS = [
  ['NAME', 'ASC', 'last_name, first_name, id'],
  ['NAME', 'DESC', 'last_name desc, first_name desc, id desc'],
  ['DATE_OF_BIRTH', 'ASC', 'date_of_birth, id'],
  ['DATE_OF_BIRTH', 'DESC', 'date_of_birth desc, id desc'],
  ['CREATED_AT', 'ASC', 'created_at, id'],
  ['CREATED_AT', 'DESC', 'created_at desc, id desc'],
] as const;

/**
 * No filter (the page from patient_page_unfiltered's kept plans) and a filter every patient passes (the page through
 * patients_matching): the two statements must walk the same list.
 */
const FILTERS = [null, { status: ['ACTIVE', 'INACTIVE', 'DECEASED'] }] as const;
/** What a walk reads of one page of PAGE. */
interface WalkedPage {
  data: { patients: { edges: { node: { patientId: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } } };
}
const WALKS = ORDERINGS.flatMap(([field, direction, sql]) => FILTERS.map((filter) => [field, direction, sql, filter] as const));

describe('keyset pagination of patients', () => {
  it.each(WALKS)('walks %s %s forward and backward, every patient exactly once, in order (filter %j)', async (field, direction, sql, filter) => {
    const expected = (await app.admin.unsafe(`select id from ehr_patients where organization_id = $1 order by ${sql}`, [north.id])).map((r) => r.id);
    const orderBy = { field, direction };
    const forward: string[] = [];
    for (let after: string | null = null; ; ) {
      const res = (await app.gql(PAGE, { first: 37, after, orderBy, filter }, token)) as WalkedPage;
      forward.push(...res.data.patients.edges.map((e) => e.node.patientId));
      if (!res.data.patients.pageInfo.hasNextPage) break;
      after = res.data.patients.pageInfo.endCursor;
    }
    expect(forward).toEqual(expected);
    const backward: string[] = [];
    for (let before: string | null = null; ; ) {
      const res = (await app.gql(PAGE, { last: 41, before, orderBy, filter }, token)) as WalkedPage;
      backward.unshift(...res.data.patients.edges.map((e) => e.node.patientId));
      if (!res.data.patients.pageInfo.hasPreviousPage) break;
      before = res.data.patients.pageInfo.startCursor;
    }
    expect(backward).toEqual(expected);
  });

  it('keeps cursors stable while rows are inserted concurrently', async () => {
    const seen: string[] = [];
    let inserted = 0;
    for (let after: string | null = null; ; ) {
      // Insert a patient that sorts before everything and one that sorts at the very end, between pages.
      await app.admin`insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
        values (${north.id}, ${`AAA-${inserted}`}, 'A', ${`Aaaa${inserted}`}, '1999-01-01'),
               (${north.id}, ${`ZZZ-${inserted}`}, 'Z', ${`Zzzz${inserted}`}, '1999-01-01')`;
      inserted++;
      const res: any = await app.gql(PAGE, { first: 50, after }, token);
      seen.push(...res.data.patients.edges.map((e: any) => e.node.patientId));
      if (!res.data.patients.pageInfo.hasNextPage) break;
      after = res.data.patients.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    const original = await app.admin`select id from ehr_patients where organization_id = ${north.id} and mrn like 'N-%'`;
    const seenSet = new Set(seen);
    expect(original.every((r) => seenSet.has(r.id))).toBe(true); // nobody skipped
  });

  it('refuses sizes over 1000, negative sizes and malformed or foreign-ordering cursors', async () => {
    const over = await app.gql(PAGE, { first: 1001 }, token);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', max: 1000 });
    expect((await app.gql(PAGE, { last: 5000 }, token)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    expect((await app.gql(PAGE, { first: -1 }, token)).errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(PAGE, { first: 5, after: '%%%' }, token)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const byName: any = await app.gql(PAGE, { first: 1 }, token);
    const foreign = await app.gql(PAGE, { first: 1, after: byName.data.patients.pageInfo.endCursor, orderBy: { field: 'DATE_OF_BIRTH' } }, token);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big: any = await app.gql(PAGE, { first: 1000 }, token);
    expect(big.data.patients.edges.length).toBeLessThanOrEqual(1000);
  });

  it('a cursor from another organization only positions: it never reveals that organization\'s rows', async () => {
    const southPage: any = await app.gql(PAGE, { first: 3 }, southToken);
    const res: any = await app.gql(PAGE, { first: 1000, after: southPage.data.patients.pageInfo.endCursor }, token);
    const southIds = new Set((await app.admin`select id from ehr_patients where organization_id = ${south.id}`).map((r) => r.id));
    expect(res.data.patients.edges.some((e: any) => southIds.has(e.node.patientId))).toBe(false);
  });
});

describe('Apollo Client', () => {
  it('paginates patients with relayStylePagination and normalises entities by id, without warnings', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const client = new ApolloClient({
      link: new HttpLink({ uri: app.api.url, headers: { authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache({ typePolicies: { Query: { fields: { patients: relayStylePagination(['filter', 'orderBy']) } } } }),
    });
    const QUERY = gql`
      query Patients($first: Int!, $after: String) {
        patients(first: $first, after: $after) {
          edges { cursor node { id patientId mrn lastName } }
          pageInfo { hasNextPage endCursor }
        }
      }`;
    const first = await client.query({ query: QUERY, variables: { first: 25 } });
    expect((first.data as any).patients.edges).toHaveLength(25);
    // What fetchMore does: fetch the next page from the network and let the field policy merge it.
    const more = await client.query({
      query: QUERY,
      variables: { first: 25, after: (first.data as any).patients.pageInfo.endCursor },
      fetchPolicy: 'network-only',
    });
    expect((more.data as any).patients.edges).toHaveLength(50); // the merged list, as an infinite scroll shows it
    const merged = client.readQuery({ query: QUERY, variables: { first: 25 } }) as any;
    expect(merged.patients.edges).toHaveLength(50);
    const ids = merged.patients.edges.map((e: any) => e.node.id);
    expect(new Set(ids).size).toBe(50);
    const cache = client.cache.extract() as Record<string, any>;
    expect(cache[`Patient:${ids[0]}`]).toMatchObject({ __typename: 'Patient', id: ids[0] });
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    client.stop();
  });
});
