import { createCipheriv, createHmac, createSecretKey, hkdfSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  CursorCodec,
  DEFAULT_LIST_SIZE,
  DEFAULT_PAGE_SIZE,
  keyPart,
  listLimit,
  MAX_PAGE_SIZE,
  pageRequest,
  statusFilter,
  toConnection,
  type CursorKey,
  type PageRequest,
} from './pagination.js';
import { refusedOn } from '../../test/helpers/refusals.js';

const notACursor = (field: string) =>
  expect.objectContaining({
    message: `${field} is not a cursor of this list and ordering; use a cursor this list returned`,
    extensions: { code: 'BAD_USER_INPUT', field },
  });

const codec = new CursorCodec('a test secret of reasonable length');
const ORDERING = 'patients:familyName';
const KEY: CursorKey = ['Smith', '1990-01-01', 42, null, '6f1c2a4e-0c4b-4d7e-9a43-2f0f0c1d2e3f'];

describe('CursorCodec', () => {
  it('round-trips a keyset position: strings, numbers and nulls', () => {
    expect(codec.decode(codec.encode(ORDERING, KEY), ORDERING, 'after')).toEqual(KEY);
    expect(codec.decode(codec.encode(ORDERING, ['Ünïcødé ✓', -0.5]), ORDERING, 'after')).toEqual(['Ünïcødé ✓', -0.5]);
  });

  it('is deterministic for one position and distinct across positions and orderings', () => {
    const cursor = codec.encode(ORDERING, KEY);
    expect(codec.encode(ORDERING, KEY)).toBe(cursor);
    expect(codec.encode(ORDERING, ['Smith', 'other-id'])).not.toBe(cursor);
    expect(codec.encode('patients:createdAt', KEY)).not.toBe(cursor);
  });

  it('is URL-safe and hides what it holds, in length too', () => {
    const cursor = codec.encode(ORDERING, ['Smith', '1990-01-01']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/Smith|1990/);
    // Synthetic IV (16) + a ciphertext padded to 32 bytes.
    expect(Buffer.from(cursor, 'base64url')).toHaveLength(16 + 32);
    expect(codec.encode(ORDERING, ['a']).length).toBe(codec.encode(ORDERING, ['a much longer family name']).length);
    expect(Buffer.from(codec.encode(ORDERING, ['x'.repeat(40)]), 'base64url')).toHaveLength(16 + 64);
  });

  it('opens for another codec built from the same secret (another API process), not for another secret', () => {
    const cursor = codec.encode(ORDERING, KEY);
    expect(new CursorCodec('a test secret of reasonable length').decode(cursor, ORDERING, 'after')).toEqual(KEY);
    expect(() => new CursorCodec('another secret').decode(cursor, ORDERING, 'after')).toThrow(notACursor('after'));
    expect(() => CursorCodec.ephemeral().decode(cursor, ORDERING, 'after')).toThrow(notACursor('after'));
  });

  it('refuses a cursor issued for another ordering, naming the argument', () => {
    const cursor = codec.encode(ORDERING, KEY);
    expect(() => codec.decode(cursor, 'patients:createdAt', 'before')).toThrow(notACursor('before'));
  });

  it('detects any altered byte', () => {
    const bytes = Buffer.from(codec.encode(ORDERING, KEY), 'base64url');
    for (const at of [0, 11, 15, 16, 27, 28, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = tampered[at]! ^ 1;
      expect(() => codec.decode(tampered.toString('base64url'), ORDERING, 'after')).toThrow(notACursor('after'));
    }
  });

  it.each([
    ['empty', ''],
    ['standard base64 characters', codec.encode(ORDERING, KEY).slice(0, -1) + '+'],
    ['padding', codec.encode(ORDERING, KEY) + '='],
    ['truncated', codec.encode(ORDERING, KEY).slice(0, 40)],
    ['shorter than IV and tag', 'AAAA'],
    ['an offset, as other APIs use', 'YXJyYXljb25uZWN0aW9uOjEw'],
  ])('refuses %s text', (_what, text) => {
    expect(() => codec.decode(text, ORDERING, 'after')).toThrow(notACursor('after'));
  });

  it('refuses a sealed value that is not a keyset position', () => {
    expect(() => codec.decode(codec.encode(ORDERING, []), ORDERING, 'after')).toThrow(notACursor('after'));
    const objectKey = [{ id: 1 }] as unknown as CursorKey;
    expect(() => codec.decode(codec.encode(ORDERING, objectKey), ORDERING, 'after')).toThrow(notACursor('after'));
  });

  it('seals a page of positions together, each as encode seals it alone', () => {
    const keys: CursorKey[] = [KEY, ['Smith', 'other-id'], ['x'.repeat(40), 7], ['Ünïcødé ✓', null]];
    const sealed = codec.encodeMany(ORDERING, keys);
    expect(sealed).toEqual(keys.map((key) => codec.encode(ORDERING, key)));
    expect(sealed.map((cursor) => codec.decode(cursor, ORDERING, 'after'))).toEqual(keys);
    expect(codec.encodeMany(ORDERING, [])).toEqual([]);
  });

  it('still opens a cursor of the earlier layout (AES-256-GCM), for its ordering only and unaltered', () => {
    // Sealed as the earlier codec did, from the same secret: IV (12, an HMAC) ‖ GCM tag (16) ‖ ciphertext.
    const derive = (purpose: string) => createSecretKey(Buffer.from(hkdfSync('sha256', 'a test secret of reasonable length', 'health-graphql cursors', purpose, 32)));
    const padded = Buffer.alloc(96, ' ');
    Buffer.from(JSON.stringify(KEY)).copy(padded);
    const iv = createHmac('sha256', derive('cursor-iv')).update(ORDERING).update('\0').update(padded).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', derive('cursor-encryption'), iv).setAAD(Buffer.from(ORDERING));
    const body = Buffer.concat([cipher.update(padded), cipher.final()]);
    const legacy = Buffer.concat([iv, cipher.getAuthTag(), body]);
    expect(codec.decode(legacy.toString('base64url'), ORDERING, 'after')).toEqual(KEY);
    expect(() => codec.decode(legacy.toString('base64url'), 'patients:createdAt', 'after')).toThrow(notACursor('after'));
    const tampered = Buffer.from(legacy);
    tampered[40] = tampered[40]! ^ 1;
    expect(() => codec.decode(tampered.toString('base64url'), ORDERING, 'after')).toThrow(notACursor('after'));
  });

  it('makes a new secret for every ephemeral codec', () => {
    expect(CursorCodec.ephemeral().encode(ORDERING, KEY)).not.toBe(CursorCodec.ephemeral().encode(ORDERING, KEY));
  });
});

describe('pageRequest', () => {
  const cursor = codec.encode(ORDERING, KEY);

  it('reads the first page of the default size forward', () => {
    expect(pageRequest({}, ORDERING, codec)).toEqual({ forward: true, limit: DEFAULT_PAGE_SIZE, cursor: null, ordering: ORDERING, cursors: codec });
    expect(pageRequest({ first: null, after: null, last: null, before: null }, ORDERING, codec)).toMatchObject({ forward: true, limit: 20 });
  });

  it('reads forward after a cursor, and backward before one', () => {
    expect(pageRequest({ first: 5, after: cursor }, ORDERING, codec)).toMatchObject({ forward: true, limit: 5, cursor: KEY });
    expect(pageRequest({ last: 5, before: cursor }, ORDERING, codec)).toMatchObject({ forward: false, limit: 5, cursor: KEY });
    expect(pageRequest({ last: 5 }, ORDERING, codec)).toMatchObject({ forward: false, limit: 5, cursor: null });
    expect(pageRequest({ before: cursor }, ORDERING, codec)).toMatchObject({ forward: false, limit: DEFAULT_PAGE_SIZE, cursor: KEY });
  });

  it('caps page sizes at 1000, naming the argument and the cap', () => {
    expect(MAX_PAGE_SIZE).toBe(1000);
    expect(pageRequest({ first: 1000 }, ORDERING, codec).limit).toBe(1000);
    expect(pageRequest({ first: 0 }, ORDERING, codec).limit).toBe(0);
    expect(() => pageRequest({ first: 1001 }, ORDERING, codec)).toThrow(
      expect.objectContaining({
        message: 'first must be at most 1000 (requested 1001); page with cursors',
        extensions: { code: 'BAD_USER_INPUT', field: 'first', max: 1000 },
      }),
    );
    expect(() => pageRequest({ last: 5000 }, ORDERING, codec)).toThrow(refusedOn('last', /at most 1000/));
  });

  it.each([-1, 1.5, Number.NaN])('refuses first = %s', (first) => {
    expect(() => pageRequest({ first }, ORDERING, codec)).toThrow(refusedOn('first', /non-negative integer/));
    expect(() => pageRequest({ last: first }, ORDERING, codec)).toThrow(refusedOn('last', /non-negative integer/));
  });

  it('refuses contradictory arguments', () => {
    expect(() => pageRequest({ first: 1, last: 1 }, ORDERING, codec)).toThrow(refusedOn('last', /either first or last/));
    expect(() => pageRequest({ after: cursor, before: cursor }, ORDERING, codec)).toThrow(refusedOn('before', /either after or before/));
    expect(() => pageRequest({ first: 1, before: cursor }, ORDERING, codec)).toThrow(refusedOn('first', /Use last \(not first\) with before/));
  });

  it('refuses a cursor of another ordering, naming after or before', () => {
    const other = codec.encode('patients:createdAt', KEY);
    expect(() => pageRequest({ first: 1, after: other }, ORDERING, codec)).toThrow(notACursor('after'));
    expect(() => pageRequest({ last: 1, before: other }, ORDERING, codec)).toThrow(notACursor('before'));
  });
});

interface Row {
  id: string;
  name: string;
}
const rows = (...ids: string[]): Row[] => ids.map((id) => ({ id, name: `name ${id}` }));
const keyOf = (row: Row): CursorKey => [row.name, row.id];
const page = (args: Parameters<typeof pageRequest>[0]): PageRequest => pageRequest(args, ORDERING, codec);
const after = (row: Row) => codec.encode(ORDERING, keyOf(row));

describe('toConnection', () => {
  it('forward: limit + 1 rows mean a next page; a cursor means a previous one', () => {
    const first = toConnection(rows('a', 'b', 'c'), page({ first: 2 }), keyOf);
    expect(first.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const last = toConnection(rows('c'), page({ first: 2, after: after(rows('b')[0]!) }), keyOf);
    expect(last.edges.map((e) => e.node.id)).toEqual(['c']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('a page holding exactly limit rows has no next page', () => {
    expect(toConnection(rows('a', 'b'), page({ first: 2 }), keyOf).pageInfo.hasNextPage).toBe(false);
  });

  it('backward: rows arrive nearest-first and are returned in list order', () => {
    // last: 2 before "d": the repository reads c, b, a (a proves there is more before).
    const connection = toConnection(rows('c', 'b', 'a'), page({ last: 2, before: after(rows('d')[0]!) }), keyOf);
    expect(connection.edges.map((e) => e.node.id)).toEqual(['b', 'c']);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const tail = toConnection(rows('z', 'y'), page({ last: 2 }), keyOf);
    expect(tail.edges.map((e) => e.node.id)).toEqual(['y', 'z']);
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('gives each edge the cursor of its own key, and pageInfo the first and last', () => {
    const connection = toConnection(rows('a', 'b', 'c'), page({ first: 3 }), keyOf);
    const cursors = connection.edges.map((e) => e.cursor);
    expect(cursors.map((c) => codec.decode(c, ORDERING, 'after'))).toEqual([keyOf(rows('a')[0]!), keyOf(rows('b')[0]!), keyOf(rows('c')[0]!)]);
    expect(connection.pageInfo.startCursor).toBe(cursors[0]);
    expect(connection.pageInfo.endCursor).toBe(cursors[2]);
  });

  it('an empty page has null start and end cursors; limit 0 still says whether rows exist', () => {
    const empty = toConnection<Row>([], page({ first: 10 }), keyOf);
    expect(empty.edges).toEqual([]);
    expect(empty.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    const none = toConnection(rows('a'), page({ first: 0 }), keyOf);
    expect(none.edges).toEqual([]);
    expect(none.pageInfo.hasNextPage).toBe(true);
  });

  it('seals no cursor until one is read, then the page’s cursors together, each once', () => {
    const key = vi.fn(keyOf);
    const connection = toConnection(rows('a', 'b'), page({ first: 5 }), key);
    expect(connection.edges[1]!.node.id).toBe('b');
    expect(key).not.toHaveBeenCalled();
    const cursor = connection.edges[0]!.cursor;
    expect(key).toHaveBeenCalledTimes(2);
    expect(connection.edges[0]!.cursor).toBe(cursor);
    expect(connection.pageInfo.startCursor).toBe(cursor);
    expect(connection.pageInfo.endCursor).toBe(connection.edges[1]!.cursor);
    expect(key).toHaveBeenCalledTimes(2);
  });

  it('does not reorder the rows it was given', () => {
    const given = rows('b', 'a');
    toConnection(given, page({ last: 5 }), keyOf);
    expect(given.map((r) => r.id)).toEqual(['b', 'a']);
  });
});

describe('listLimit', () => {
  it('defaults to 100 and caps at 1000', () => {
    expect(listLimit(undefined)).toBe(DEFAULT_LIST_SIZE);
    expect(listLimit(null)).toBe(100);
    expect(listLimit(0)).toBe(0);
    expect(listLimit(1000)).toBe(1000);
    expect(() => listLimit(1001)).toThrow(refusedOn('first', /at most 1000/));
    expect(() => listLimit(-1, 'limit')).toThrow(refusedOn('limit', /non-negative integer/));
  });
});

describe('statusFilter', () => {
  it('is null for any status, else the distinct statuses sorted', () => {
    expect(statusFilter(null)).toBeNull();
    expect(statusFilter(undefined)).toBeNull();
    expect(statusFilter([])).toBeNull();
    expect(statusFilter(['RESOLVED', 'ACTIVE', 'RESOLVED'])).toEqual(['ACTIVE', 'RESOLVED']);
  });

  it('does not sort the caller’s list in place', () => {
    const given = ['B', 'A'];
    statusFilter(given);
    expect(given).toEqual(['B', 'A']);
  });
});

describe('keyPart', () => {
  it('writes dates as ISO text and passes everything else through', () => {
    expect(keyPart(new Date(Date.UTC(2024, 1, 29, 8, 30)))).toBe('2024-02-29T08:30:00.000Z');
    expect(keyPart('2024-02-29')).toBe('2024-02-29');
    expect(keyPart(3)).toBe(3);
    expect(keyPart(null)).toBeNull();
  });
});
