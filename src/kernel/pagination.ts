import { createDecipheriv, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ctrKeystreams, HmacSha256 } from './cursor-crypto.js';
import type { CountEstimate } from './counting.js';
import { badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;
/** Items a bounded plain list (`Patient.problems(first:)`) returns when `first` is not given. */
export const DEFAULT_LIST_SIZE = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A keyset position: the sort key value(s) and the id of the row the cursor points at. */
export type CursorKey = readonly (string | number | null)[];

/**
 * A validated page request. `forward` reads in the ordering's direction from
 * `cursor`; backward reads the other way and the rows are reversed afterwards.
 * Repositories fetch `limit + 1` rows to learn whether another page exists.
 */
export interface PageRequest {
  forward: boolean;
  limit: number;
  /** Null on the first page. */
  cursor: CursorKey | null;
  /** Names the ordering, so a cursor from another list or ordering is refused. */
  ordering: string;
  /** Seals the cursors of the connection built from this page. */
  cursors: CursorCodec;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** What a list field resolves to (codegen maps every `XConnection` here): the total is counted only when selected. */
export type CountedConnection<T> = Connection<T> & {
  readonly totalCount?: number | Promise<number>;
  readonly totalCountEstimate?: CountEstimate | Promise<CountEstimate>;
};

/**
 * Cursors are opaque: the keyset position (sort key values, which may be PHI
 * such as a patient's name or birth date) is sealed with deterministic
 * authenticated encryption (SIV: RFC 5297's construction, with HMAC-SHA256 as
 * its PRF) under keys derived by HKDF from the configured secret. The
 * synthetic IV is an HMAC of ordering and position, truncated to 16 bytes; the
 * position is encrypted with AES-256-CTR from that IV; opening decrypts, then
 * recomputes the HMAC and compares. So a cursor opens only for the list and
 * ordering that issued it, any change to it is detected, the same position
 * always gives the same cursor, and distinct positions never share an IV. The
 * plaintext is padded to a multiple of 32 bytes so a cursor's length says
 * little about its values. Layout, base64url: SIV (16) ‖ ciphertext.
 *
 * A page's cursors are sealed together (`encodeMany`): one AES call for all of
 * them and two one-shot hashes each (src/kernel/cursor-crypto.ts), about half
 * the CPU of sealing each with its own crypto objects. Cursors of the earlier
 * layout (AES-256-GCM with an HMAC IV: IV (12) ‖ tag (16) ‖ ciphertext) still
 * open, so a client paging across an upgrade is not refused.
 */
const SIV_BYTES = 16;
const LEGACY_IV_BYTES = 12;
const LEGACY_TAG_BYTES = 16;
const PAD_BYTES = 32;

/**
 * Seals and opens cursors under keys derived from one secret. The app builds
 * one from CURSOR_SECRET (else JWT_SECRET) and hands it to every page request,
 * so every API process with the same secret reads the others' cursors.
 */
export class CursorCodec {
  readonly #encryption: KeyObject;
  readonly #mac: HmacSha256;
  readonly #legacyCipher: KeyObject;

  constructor(secret: string | Buffer) {
    // AES keys as KeyObjects, not Buffers: on Node 24 every createCipheriv given a Buffer key imports it afresh.
    // (The earlier layout's IV key is not needed to open its cursors: the GCM tag authenticates them.)
    const raw = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'health-graphql cursors', purpose, 32));
    this.#encryption = createSecretKey(raw('cursor-siv-encryption'));
    this.#mac = new HmacSha256(raw('cursor-siv-mac'));
    this.#legacyCipher = createSecretKey(raw('cursor-encryption'));
  }

  /** A codec valid in this process only (tests, tools): a random secret. */
  static ephemeral(): CursorCodec {
    return new CursorCodec(randomBytes(32));
  }

  encode(ordering: string, key: CursorKey): string {
    return this.encodeMany(ordering, [key])[0]!;
  }

  /** The cursors of `keys`, in order: what `encode` gives for each, sealed together. */
  encodeMany(ordering: string, keys: readonly CursorKey[]): string[] {
    if (keys.length === 0) return [];
    const bound = boundTo(ordering);
    const padded = keys.map(paddedPosition);
    const sivs = padded.map((plain) => this.#siv(bound, plain));
    const streams = ctrKeystreams(
      this.#encryption,
      sivs,
      padded.map((plain) => plain.length),
    );
    return padded.map((plain, i) => {
      const sealed = Buffer.allocUnsafe(SIV_BYTES + plain.length);
      sivs[i]!.copy(sealed);
      const stream = streams[i]!;
      for (let at = 0; at < plain.length; at++) sealed[SIV_BYTES + at] = plain[at]! ^ stream[at]!;
      return sealed.toString('base64url');
    });
  }

  /** The position `cursor` holds; BAD_USER_INPUT (naming `field`) unless this codec issued it for `ordering`, unaltered. */
  decode(cursor: string, ordering: string, field: string): CursorKey {
    const parsed = this.#open(cursor, ordering);
    if (
      !Array.isArray(parsed) ||
      parsed.length < 1 ||
      !parsed.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      throw badInput(`${field} is not a cursor of this list and ordering; use a cursor this list returned`, field);
    }
    return parsed as CursorKey;
  }

  #open(cursor: string, ordering: string): unknown {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const data = Buffer.from(cursor, 'base64url');
    try {
      if (data.length >= SIV_BYTES + PAD_BYTES && (data.length - SIV_BYTES) % PAD_BYTES === 0) return this.#openSiv(data, ordering);
      if (data.length > LEGACY_IV_BYTES + LEGACY_TAG_BYTES) return this.#openLegacy(data, ordering);
      return null;
    } catch {
      return null;
    }
  }

  #openSiv(data: Buffer, ordering: string): unknown {
    const siv = data.subarray(0, SIV_BYTES);
    const decipher = createDecipheriv('aes-256-ctr', this.#encryption, siv);
    const plain = Buffer.concat([decipher.update(data.subarray(SIV_BYTES)), decipher.final()]);
    return timingSafeEqual(this.#siv(boundTo(ordering), plain), siv) ? JSON.parse(plain.toString('utf8')) : null;
  }

  /** The synthetic IV: HMAC-SHA256 of the ordering (NUL-terminated) and the padded position, truncated. */
  #siv(bound: Buffer, plain: Buffer): Buffer {
    return this.#mac.digest(bound, plain).subarray(0, SIV_BYTES);
  }

  /** Cursors sealed before the SIV layout: AES-256-GCM, the ordering as associated data. */
  #openLegacy(data: Buffer, ordering: string): unknown {
    const decipher = createDecipheriv('aes-256-gcm', this.#legacyCipher, data.subarray(0, LEGACY_IV_BYTES));
    decipher.setAAD(Buffer.from(ordering, 'utf8'));
    decipher.setAuthTag(data.subarray(LEGACY_IV_BYTES, LEGACY_IV_BYTES + LEGACY_TAG_BYTES));
    const text = Buffer.concat([decipher.update(data.subarray(LEGACY_IV_BYTES + LEGACY_TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(text);
  }
}

const boundTo = (ordering: string): Buffer => Buffer.from(`${ordering}\0`, 'utf8');

/** The position as JSON padded with trailing spaces (which JSON.parse ignores) to a multiple of 32 bytes. */
function paddedPosition(key: CursorKey): Buffer {
  const json = Buffer.from(JSON.stringify(key), 'utf8');
  const padded = Buffer.alloc(Math.ceil((json.length + 1) / PAD_BYTES) * PAD_BYTES, ' ');
  json.copy(padded);
  return padded;
}

function pageSize(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0) throw badInput(`${field} must be a non-negative integer`, field);
  if (value > MAX_PAGE_SIZE) {
    throw badInput(`${field} must be at most ${MAX_PAGE_SIZE} (requested ${value}); page with cursors`, field, {
      max: MAX_PAGE_SIZE,
    });
  }
  return value;
}

/**
 * The size of a bounded plain list (`Patient.problems(first: 50)`): at most
 * MAX_PAGE_SIZE, DEFAULT_LIST_SIZE when omitted. Repositories apply it per
 * parent inside the one batch statement (LATERAL … LIMIT).
 */
export function listLimit(first: number | null | undefined, field = 'first'): number {
  return pageSize(first, field) ?? DEFAULT_LIST_SIZE;
}

/**
 * A list's status filter as loaders key it: null for "any status", otherwise
 * the distinct statuses sorted, so `[A, B]` and `[B, A]` share one batch.
 */
export function statusFilter(status: readonly string[] | null | undefined): string[] | null {
  return status?.length ? [...new Set(status)].sort() : null;
}

/** Validates Relay connection arguments: sizes capped at 1000, cursors bound to `ordering`. */
export function pageRequest(args: ConnectionArgs, ordering: string, cursors: CursorCodec): PageRequest {
  const first = pageSize(args.first, 'first');
  const last = pageSize(args.last, 'last');
  if (first !== null && last !== null) throw badInput('Pass either first or last, not both', 'last');
  if (args.after && args.before) throw badInput('Pass either after or before, not both', 'before');
  const forward = last === null && !args.before;
  if (!forward && first !== null) throw badInput('Use last (not first) with before', 'first');
  if (forward && args.before) throw badInput('Use last with before', 'before');
  const cursorField = forward ? 'after' : 'before';
  const raw = forward ? args.after : args.before;
  return {
    forward,
    limit: (forward ? first : last) ?? DEFAULT_PAGE_SIZE,
    cursor: raw ? cursors.decode(raw, ordering, cursorField) : null,
    ordering,
    cursors,
  };
}

/**
 * Builds the connection from up to `limit + 1` rows read in the page's
 * direction. `keyOf` returns the same key the repository sorts by.
 */
export function toConnection<T>(rows: readonly T[], page: PageRequest, keyOf: (row: T) => CursorKey): Connection<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (!page.forward) pageRows.reverse();
  // Cursors are sealed only when a client selects one, and then the page's together (one AES call).
  let cursors: string[] | undefined;
  const cursorAt = (i: number) => (cursors ??= page.cursors.encodeMany(page.ordering, pageRows.map(keyOf)))[i]!;
  const edges = pageRows.map((node, i) => lazyEdge(node, () => cursorAt(i)));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.forward ? hasMore : page.cursor !== null,
      hasPreviousPage: page.forward ? page.cursor !== null : hasMore,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

function lazyEdge<T>(node: T, encode: () => string): { cursor: string; node: T } {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      return (cursor ??= encode());
    },
  };
}

/**
 * Date values in cursors travel as ISO strings. Timestamp sort keys come from
 * the database already rendered with microseconds, `cursor_timestamp(at)::text
 * as sort_key` (migration 000010; the cast tells SafeQL the type of a
 * user-defined function's result), and go back as `${at}::text::timestamptz`.
 */
export function keyPart(value: Date | string | number | null): string | number | null {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Whether a page's keyset scan runs descending: the ordering's direction
 * (`order`), reversed when paging backward.
 *
 * Every list statement is written once for both directions and takes this as
 * a parameter, `${descending}::boolean`, in two places:
 *
 *   and (${id}::uuid is null or case when ${descending}::boolean then (k, id) < (${k}, ${id})
 *                                    else (k, id) > (${k}, ${id}) end)
 *   order by case when ${descending}::boolean then k end desc, case when ${descending}::boolean then id end desc,
 *            k, id
 *
 * Request transactions plan each statement with its parameters
 * (force_custom_plan, src/kernel/db/tenant-scope.ts), so PostgreSQL folds the
 * CASEs before planning: the predicate becomes the one comparison, the
 * ORDER BY terms that fold to NULL (or repeat a key) are dropped, and the plan
 * is the one of a statement written for that direction alone (an index scan,
 * forward or backward, no sort). One statement, one SafeQL check, one row type.
 */
export function scansDescending(page: PageRequest, order: 'asc' | 'desc'): boolean {
  return page.forward === (order === 'desc');
}

/**
 * Rows of a statement SafeQL types as all-nullable (a UNION loses NOT NULL, as
 * does a set-returning function such as patients_matching()). The columns are
 * NOT NULL in the schema; repositories cast back to the row type.
 */
export type KeysetRows<T> = { [K in keyof T]: T[K] | null }[];

/**
 * Rows of a per-parent (LATERAL) child list joined on `column = parent.id`:
 * SafeQL knows the parent column cannot be null there, so the row type says so.
 */
export type ChildRows<T, K extends keyof T> = (Omit<T, K> & { [P in K]: NonNullable<T[P]> })[];

/**
 * A forward keyset slice of each parent's rows for an export (FHIR `$everything`): rows after `after`
 * (the sort key as `cursor_timestamp` text, and the id), changed at or after `since`, at most `limit` per parent.
 */
export interface KeysetSlice {
  after: readonly [string, string] | null;
  since: Date | null;
  limit: number;
}

/** `after` split for SQL parameters: both null on the first slice. */
export function sliceAfter(slice: KeysetSlice): [string | null, string | null] {
  return slice.after ? [slice.after[0], slice.after[1]] : [null, null];
}
