import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec, pageRequest, toConnection } from '../../src/kernel/pagination.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';

/** Everything a cursor's bytes might show: the raw decoded bytes as text, and the text after base64url decoding twice. */
const readable = (cursor: string) => Buffer.from(cursor, 'base64url').toString('latin1');

/** Flips one bit in the middle of a cursor's bytes. */
function tamper(cursor: string): string {
  const bytes = Buffer.from(cursor, 'base64url');
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  return bytes.toString('base64url');
}

describe('cursor encoding (src/kernel/pagination.ts)', () => {
  // Every value is long enough that random ciphertext cannot contain it by chance (a 2-digit number did, 1 run in ~40).
  const key = ['Zyxwander', 'Quintessa', '1957-03-14', 'MRN-778812', 4_242_042, null] as const;
  const cursors = new CursorCodec('test-secret-0123456789-0123456789-0123');
  const cursorOf = (ordering: string) =>
    toConnection([{ key }], pageRequest({ first: 1 }, ordering, cursors), (r) => r.key).edges[0]!.cursor;

  it('hides the sort key: no value is readable in the cursor, and it round-trips', () => {
    const cursor = cursorOf('patients:NAME:ASC');
    for (const value of [...key.filter((v) => v !== null).map(String), 'patients', 'NAME']) {
      expect(readable(cursor)).not.toContain(value);
      expect(cursor).not.toContain(value);
    }
    expect(pageRequest({ first: 5, after: cursor }, 'patients:NAME:ASC', cursors).cursor).toEqual(key);
    expect(pageRequest({ last: 5, before: cursor }, 'patients:NAME:ASC', cursors).cursor).toEqual(key);
  });

  it('is stable for a position (same cursor for the same row) and differs between positions', () => {
    expect(cursorOf('x')).toBe(cursorOf('x'));
    expect(cursorOf('x')).not.toBe(cursorOf('y'));
  });

  it('refuses foreign, tampered, truncated, legacy plaintext and garbage cursors', () => {
    const cursor = cursorOf('patients:NAME:ASC');
    const refused = (after: string, ordering = 'patients:NAME:ASC') => {
      try {
        pageRequest({ first: 1, after }, ordering, cursors);
      } catch (e) {
        return (e as { extensions?: { code?: string } }).extensions?.code;
      }
      return 'accepted';
    };
    expect(refused(cursor, 'patients:NAME:DESC')).toBe('BAD_USER_INPUT');
    expect(refused(cursor, 'users:displayName')).toBe('BAD_USER_INPUT');
    expect(refused(tamper(cursor))).toBe('BAD_USER_INPUT');
    expect(refused(cursor.slice(0, -4))).toBe('BAD_USER_INPUT');
    expect(refused(Buffer.from(JSON.stringify(['patients:NAME:ASC', 'Doe', 'Jane', crypto.randomUUID()])).toString('base64url'))).toBe(
      'BAD_USER_INPUT',
    );
    expect(refused('not a cursor!')).toBe('BAD_USER_INPUT');
    expect(refused('')).toBe('accepted'); // an empty `after` means the first page, as before
  });

  it('opens only under the secret that issued it; codecs of one secret read each other\'s cursors', () => {
    const cursor = cursorOf('o');
    const other = new CursorCodec('another-secret-0123456789-0123456789-0123');
    expect(() => pageRequest({ first: 1, after: cursor }, 'o', other)).toThrow(/not a cursor of this list/);
    expect(() => pageRequest({ first: 1, after: cursor }, 'o', CursorCodec.ephemeral())).toThrow(/not a cursor of this list/);
    const sameSecret = new CursorCodec('test-secret-0123456789-0123456789-0123');
    expect(pageRequest({ first: 1, after: cursor }, 'o', sameSecret).cursor).toEqual(key);
  });
});

describe('cursors of the API carry no PHI', () => {
  let app: TestApp;
  let org: TestOrganization;
  let token: string;
  const patients = [
    { mrn: 'MRN-QX-40417', first: 'Wilhelmina', last: 'Featherstonehaugh', dob: '1961-07-23' },
    { mrn: 'MRN-QX-40418', first: 'Bartholomew', last: 'Cholmondeley', dob: '1974-11-02' },
    { mrn: 'MRN-QX-40419', first: 'Persephone', last: 'Marjoribanks', dob: '1988-02-29' },
  ];
  const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: PatientOrder) {
    patients(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      edges { cursor node { patientId } } pageInfo { startCursor endCursor hasNextPage } } }`;
  interface Page {
    patients: { edges: { cursor: string; node: { patientId: string } }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
  }

  beforeAll(async () => {
    app = await createTestApp();
    org = await createOrganization(app.admin, 'cursors');
    for (const p of patients) {
      await app.admin`
        insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
        values (${org.id}, ${p.mrn}, ${p.first}, ${p.last}, ${p.dob})`;
    }
    token = (await login(app, org.users.NURSE.email)).accessToken;
  });
  afterAll(() => app.close());

  const orderings = ['NAME', 'DATE_OF_BIRTH', 'CREATED_AT'].flatMap((field) =>
    ['ASC', 'DESC'].map((direction) => ({ field, direction })),
  );

  it.each(orderings)('patients ordered by $field $direction: no name, MRN or date in any cursor; paging still exact', async (orderBy) => {
    const all = await app.gql<Page>(PAGE, { first: 10, orderBy }, token);
    expect(all.errors).toBeUndefined();
    const cursors = all.data!.patients.edges.map((e) => e.cursor);
    expect(cursors).toHaveLength(patients.length);
    const [created] = await app.admin<{ created: string }[]>`
      select to_char(min(created_at) at time zone 'UTC', 'YYYY-MM-DD') as created from ehr_patients where organization_id = ${org.id}`;
    const secrets = [...patients.flatMap((p) => [p.mrn, p.first, p.last, p.dob, p.dob.slice(0, 4)]), created!.created];
    for (const cursor of cursors) {
      for (const secret of secrets) {
        expect(readable(cursor)).not.toContain(secret);
        expect(cursor).not.toContain(secret);
      }
    }
    // Page one at a time: the cursors still page exactly.
    const walked: string[] = [];
    for (let after: string | null = null; ; ) {
      const res: GraphQLResponse<Page> = await app.gql<Page>(PAGE, { first: 1, after, orderBy }, token);
      expect(res.errors).toBeUndefined();
      walked.push(...res.data!.patients.edges.map((e) => e.node.patientId));
      if (!res.data!.patients.pageInfo.hasNextPage) break;
      after = res.data!.patients.pageInfo.endCursor;
    }
    expect(walked).toEqual(all.data!.patients.edges.map((e) => e.node.patientId));
  });

  it('refuses tampered and foreign cursors with BAD_USER_INPUT', async () => {
    const res = await app.gql<Page>(PAGE, { first: 1, orderBy: { field: 'NAME', direction: 'ASC' } }, token);
    const cursor = res.data!.patients.pageInfo.endCursor!;
    for (const [variables, field] of [
      [{ first: 1, after: tamper(cursor), orderBy: { field: 'NAME', direction: 'ASC' } }, 'after'],
      [{ first: 1, after: cursor, orderBy: { field: 'NAME', direction: 'DESC' } }, 'after'],
      [{ first: 1, after: cursor, orderBy: { field: 'DATE_OF_BIRTH', direction: 'ASC' } }, 'after'],
      [{ last: 1, before: tamper(cursor), orderBy: { field: 'NAME', direction: 'ASC' } }, 'before'],
    ] as const) {
      const refused = await app.gql<Page>(PAGE, variables, token);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toContain(field);
    }
    const users = await app.gql(`query($after: String) { users(first: 1, after: $after) { edges { cursor } } }`, { after: cursor }, (
      await login(app, org.users.ORG_ADMIN.email)
    ).accessToken);
    expect(users.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});
