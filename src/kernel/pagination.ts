import { badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

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

function encodeCursor(ordering: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([ordering, ...key]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, ordering: string, field: string): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== ordering ||
    parsed.length < 2 ||
    !parsed.slice(1).every((v) => v === null || typeof v === 'string' || typeof v === 'number')
  ) {
    throw badInput(`${field} is not a cursor of this list and ordering; use a cursor this list returned`, field);
  }
  return parsed.slice(1) as CursorKey;
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

/** Validates Relay connection arguments: sizes capped at 1000, cursors bound to `ordering`. */
export function pageRequest(args: ConnectionArgs, ordering: string): PageRequest {
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
    cursor: raw ? decodeCursor(raw, ordering, cursorField) : null,
    ordering,
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
  const edges = pageRows.map((node) => ({ cursor: encodeCursor(page.ordering, keyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.forward ? hasMore : page.cursor !== null,
      hasPreviousPage: page.forward ? page.cursor !== null : hasMore,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Date values in cursors travel as ISO strings. */
export function keyPart(value: Date | string | number | null): string | number | null {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Rows of a two-branch (forward UNION ALL backward) keyset query as SafeQL
 * types them: a UNION loses NOT NULL, so every column reads as nullable. The
 * columns are NOT NULL in the schema; repositories cast back to the row type.
 */
export type KeysetRows<T> = { [K in keyof T]: T[K] | null }[];
