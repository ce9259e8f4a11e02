/**
 * A root list field (`Query.encounters`, `Query.invoices`, …) read one way: one keyset page in the
 * request's read transaction, its rows primed into the list's by-id loader (so nested fields that
 * point back at them cost nothing), the patients it shows noted for the PHI access log, and both
 * counts run only if selected. Each repository declares its lists beside their SafeQL-checked statements:
 * `keysetList` over the statement of a list's matching rows (paged and counted here), `pagedList` where a list
 * writes its own page and count; each with the cursor key its ORDER BY sorts on.
 */
import type { PendingQuery, Row } from 'postgres';
import type { TransactionSql } from './db/pool.js';
import { boundedCount, withCounts, type CountReader, type Counted } from './counting.js';
import { keysetPage, type KeysetOrder } from './keyset.js';
import { pageRequest, toConnection, type Connection, type ConnectionArgs, type CursorCodec, type CursorKey, type PageRequest } from './pagination.js';

/** What a root list needs of the request: its tenant session and the app's cursor codec and count limit. */
export interface RootListRequest {
  session: CountReader & { readonly scope: { readonly organizationId: string }; notePatientAccess(ids: Iterable<string>): void };
  deps: { cursors: CursorCodec; config: { totalCountExactLimit: number } };
}

export type ListPage<R, Filter> = (tx: TransactionSql, organizationId: string, filter: Filter, page: PageRequest) => Promise<R[]>;
export type ListCount<Filter> = (tx: TransactionSql, organizationId: string, filter: Filter, limit: number | null) => PendingQuery<{ count: number }[]>;

export interface KeysetList<R, Filter> {
  /** Names the ordering (and whatever else a cursor must not cross); a cursor of another list is refused. */
  readonly ordering: (filter: Filter) => string;
  readonly page: ListPage<R, Filter>;
  readonly count: ListCount<Filter>;
  /** The key the page statement sorts on, in its ORDER BY's order. */
  readonly cursorOf: (row: R) => CursorKey;
  /** The patients a row shows (omitted for rows that hold no PHI): their access is recorded with the request. */
  readonly patientsOf?: (row: R) => readonly string[] | string | null;
}

/** What a list's rows need beyond its matching statement's: a mapping to the row type, and the patients a row shows. */
export interface ListRows<Matched, Out> {
  rowOf?: (row: Matched) => Out;
  patientsOf?: (row: Out) => readonly string[] | string | null;
}

/**
 * Declares a list from one SafeQL-checked statement of its matching rows (`matchingInvoices`): the kernel pages
 * it (`keysetPage`, on `order`) and counts it (`boundedCount`), so its filter is written once.
 */
export function keysetList<Matched extends Row, Filter, Out = Matched>(
  ordering: string | ((filter: Filter) => string),
  matching: (tx: TransactionSql, organizationId: string, filter: Filter) => PendingQuery<Matched[]>,
  order: KeysetOrder,
  cursorOf: (row: Out) => CursorKey,
  rows: ListRows<Matched, Out> = {},
): KeysetList<Out, Filter> {
  const rowOf = rows.rowOf;
  return pagedList(
    ordering,
    async (tx, org, filter, page) => {
      const found = await keysetPage(tx, matching(tx, org, filter), page, order);
      return rowOf ? found.map(rowOf) : (found as unknown as Out[]);
    },
    (tx, org, filter, limit) => boundedCount(tx, matching(tx, org, filter), limit),
    cursorOf,
    rows.patientsOf,
  );
}

/** Declares a list whose page and count statements are its own (a two-branch or multi-key order). */
export function pagedList<R, Filter>(
  ordering: string | ((filter: Filter) => string),
  page: ListPage<R, Filter>,
  count: ListCount<Filter>,
  cursorOf: (row: R) => CursorKey,
  patientsOf?: (row: R) => readonly string[] | string | null,
): KeysetList<R, Filter> {
  return { ordering: typeof ordering === 'string' ? () => ordering : ordering, page, count, cursorOf, patientsOf };
}

/** A root list field's connection: `list`'s page under `filter`, primed into `loader`, its patients noted, counts on demand. */
export async function rootListConnection<R extends { id: string }, Filter>(
  request: RootListRequest,
  args: ConnectionArgs,
  list: KeysetList<R, Filter>,
  filter: Filter,
  loader?: { prime(id: string, row: NoInfer<R>): unknown },
): Promise<Counted<Connection<R>>> {
  const { session, deps } = request;
  const page = pageRequest(args, list.ordering(filter), deps.cursors);
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => list.page(tx, org, filter, page));
  if (loader) for (const row of rows) loader.prime(row.id, row);
  const connection = toConnection(rows, page, list.cursorOf);
  const patientsOf = list.patientsOf;
  if (patientsOf) session.notePatientAccess(connection.edges.flatMap((e) => patientsOf(e.node) ?? []));
  return withCounts(connection, session, deps.config.totalCountExactLimit, (tx, limit) => list.count(tx, org, filter, limit));
}
