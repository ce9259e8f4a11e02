/**
 * A root list field (`Query.encounters`, `Query.invoices`, …) read one way: one keyset page in the
 * request's read transaction, its rows primed into the list's by-id loader (so nested fields that
 * point back at them cost nothing), the patients it shows noted for the PHI access log, and both
 * counts run only if selected. Each repository declares its lists (`keysetList`) beside their
 * SafeQL-checked page and count statements, with the cursor key their ORDER BY sorts on.
 */
import type { TransactionSql } from './db/pool.js';
import { withCounts, type CountReader, type Counted } from './counting.js';
import { pageRequest, toConnection, type Connection, type ConnectionArgs, type CursorCodec, type CursorKey, type PageRequest } from './pagination.js';

/** What a root list needs of the request: its tenant session and the app's cursor codec and count limit. */
export interface RootListRequest {
  session: CountReader & { readonly scope: { readonly organizationId: string }; notePatientAccess(ids: Iterable<string>): void };
  deps: { cursors: CursorCodec; config: { totalCountExactLimit: number } };
}

export type ListPage<Row, Filter> = (tx: TransactionSql, organizationId: string, filter: Filter, page: PageRequest) => Promise<Row[]>;
export type ListCount<Filter> = (tx: TransactionSql, organizationId: string, filter: Filter, limit: number | null) => Promise<number>;

export interface KeysetList<Row, Filter> {
  /** Names the ordering (and whatever else a cursor must not cross); a cursor of another list is refused. */
  readonly ordering: (filter: Filter) => string;
  readonly page: ListPage<Row, Filter>;
  readonly count: ListCount<Filter>;
  /** The key the page statement sorts on, in its ORDER BY's order. */
  readonly cursorOf: (row: Row) => CursorKey;
  /** The patients a row shows (omitted for rows that hold no PHI): their access is recorded with the request. */
  readonly patientsOf?: (row: Row) => readonly string[] | string | null;
}

/** Declares a list: its cursor scope (a name, or one derived from the filter), page and count statements, sort key and patients. */
export function keysetList<Row, Filter>(
  ordering: string | ((filter: Filter) => string),
  page: ListPage<Row, Filter>,
  count: ListCount<Filter>,
  cursorOf: (row: Row) => CursorKey,
  patientsOf?: (row: Row) => readonly string[] | string | null,
): KeysetList<Row, Filter> {
  return { ordering: typeof ordering === 'string' ? () => ordering : ordering, page, count, cursorOf, patientsOf };
}

export async function rootListConnection<Row extends { id: string }, Filter>(
  request: RootListRequest,
  args: ConnectionArgs,
  list: KeysetList<Row, Filter>,
  filter: Filter,
  loader?: { prime(id: string, row: NoInfer<Row>): unknown },
): Promise<Counted<Connection<Row>>> {
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
