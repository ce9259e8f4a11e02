import type { PendingQuery, Row } from 'postgres';
import type { TransactionSql } from './db/pool.js';
import { scansDescending, sliceAfter, type KeysetSlice, type PageRequest } from './pagination.js';

/**
 * The keyset half of a list statement, written once for every list. A list hands over its filtered rows as a
 * statement of its own — a tagged `tx<Row[]>` literal that SafeQL checks against the schema and the row type,
 * labelled with the list's function — and this wraps it, as the lists used to write it each:
 *
 *   with matching as not materialized (<filtered rows>)
 *   select * from matching
 *   where (<no cursor> or case when <descending> then (k, id) < (cursor) else (k, id) > (cursor) end)
 *   order by case when <descending> then k end desc, case when <descending> then id end desc, k, id
 *   limit <limit + 1>
 *
 * (`pageOfChildren` does the same inside a LATERAL per parent.) The direction is a parameter PostgreSQL folds away
 * before planning (see scansDescending); the CTE is inlined, so the plan is the one of the statement written out
 * (test/performance/keyset-plans.test.ts checks index scans without a sort).
 */
export interface KeysetOrder {
  /** The sort column of the filtered rows. */
  column: string;
  /** Its SQL type: the cursor's value (text, as cursors carry it) is cast to it. */
  type: 'text' | 'timestamptz' | 'bigint';
  order: 'asc' | 'desc';
  /** False when the column alone is unique (then the cursor holds only its value); else ties go by `id`. */
  tiebreakById?: boolean;
}

/** One page of an organization-wide list: `limit + 1` of `filtered`'s rows after the page's cursor. */
export function keysetPage<T extends Row>(db: TransactionSql, filtered: PendingQuery<T[]>, page: PageRequest, o: KeysetOrder): Promise<T[]> {
  return db<T[]>`
    with matching as not materialized (${filtered})
    select * from matching
    ${keysetTail(db, page, o)}
  `;
}

/** Where a child list's rows hang off their parent: the parents' ids and the child column that names one. */
export interface ChildPages {
  parentIds: readonly string[];
  parentColumn: string;
}

/**
 * Pages of a child list for many parents in one statement: for each parent, a LATERAL scan of `filtered`'s rows
 * whose `parentColumn` is the parent, `limit + 1` after the page's cursor. `filtered` is the list's SafeQL-checked
 * statement of the organization's rows (without the parent condition, which is this correlation).
 */
export function pageOfChildren<T extends Row>(
  db: TransactionSql,
  filtered: PendingQuery<T[]>,
  children: ChildPages,
  page: PageRequest,
  o: KeysetOrder,
): Promise<T[]> {
  return db<T[]>`
    select r.* from unnest(${children.parentIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select * from (${filtered}) as matching
      where matching.${db(children.parentColumn)} = parent.id
      ${keysetTail(db, page, o, db`and`)}
    ) r
  `;
}

/**
 * Export slices of a child list for many parents in one statement: for each parent, a LATERAL scan of `filtered`'s
 * rows whose `parentColumn` is the parent, ascending on (`column`, id) after the slice's position, `slice.limit`
 * rows (the FHIR export pages through a patient's record this way). `column` is a timestamptz column `filtered`
 * selects; `filtered` is the table's SafeQL-checked statement (the `since` filter included).
 */
export function sliceOfChildren<T extends Row>(
  db: TransactionSql,
  filtered: PendingQuery<T[]>,
  children: ChildPages,
  slice: KeysetSlice,
  column: 'created_at' | 'encounter_at' | 'ordered_at' | 'resulted_at' | 'recorded_at',
): Promise<T[]> {
  const [at, id] = sliceAfter(slice);
  const k = db(column);
  return db<T[]>`
    select r.* from unnest(${children.parentIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select * from (${filtered}) as matching
      where matching.${db(children.parentColumn)} = parent.id
        and (${id}::uuid is null or (matching.${k}, matching.id) > (${at}::text::timestamptz, ${id}::uuid))
      order by matching.${k}, matching.id
      limit ${slice.limit}::int
    ) r
  `;
}

/** A child list's statements, per parent, from one statement of its live rows (`Patient.encounters`, `WorkflowInstance.tasks`). */
export interface ChildList<Out, Filter> {
  /** One page per parent (`limit + 1` rows each), in one statement. */
  pages(tx: TransactionSql, organizationId: string, parentIds: readonly string[], filter: Filter, page: PageRequest): Promise<Out[]>;
  /** The list's size per parent, in one statement. */
  counts(tx: TransactionSql, organizationId: string, parentIds: readonly string[], filter: Filter): Promise<ChildCount[]>;
}

/**
 * Declares a child list: `live` states the organization's rows of the list (its filter, SafeQL-checked), which
 * `pageOfChildren` pages per parent on `order` and `countsOfChildren` counts, so the filter is written once.
 */
export function childList<T extends Row, Filter, Out = T>(
  live: (tx: TransactionSql, organizationId: string, filter: Filter) => PendingQuery<T[]>,
  parentColumn: string,
  order: KeysetOrder,
  rowOf?: (row: T) => Out,
): ChildList<Out, Filter> {
  return {
    async pages(tx, organizationId, parentIds, filter, page) {
      const rows = await pageOfChildren(tx, live(tx, organizationId, filter), { parentIds, parentColumn }, page, order);
      return rowOf ? rows.map(rowOf) : (rows as unknown as Out[]);
    },
    counts: (tx, organizationId, parentIds, filter) => countsOfChildren(tx, live(tx, organizationId, filter), { parentIds, parentColumn }),
  };
}

/** How many rows a parent has in a child list: `parentId` and `count` (parents without rows are absent). */
export interface ChildCount {
  parentId: string;
  count: number;
}

/**
 * The sizes of a child list for many parents in one statement (`Patient.encounters { totalCount }`): `filtered` is the
 * same statement `pageOfChildren` pages, so a list's filter is written once for its pages and its counts.
 */
export function countsOfChildren<T extends Row>(db: TransactionSql, filtered: PendingQuery<T[]>, children: ChildPages): Promise<ChildCount[]> {
  const parent = db(children.parentColumn);
  return db<ChildCount[]>`
    select matching.${parent}::text as parent_id, count(*)::int as count from (${filtered}) as matching
    where matching.${parent} = any(${children.parentIds as string[]}::uuid[])
    group by matching.${parent}
  `;
}

function keysetTail(db: TransactionSql, page: PageRequest, o: KeysetOrder, join: PendingQuery<Row[]> = db`where`): PendingQuery<Row[]> {
  const descending = scansDescending(page, o.order);
  const k = db(o.column);
  // unsafe is safe here: a type name from the closed TYPES list below, never a caller's text (a cast takes no parameter).
  const type = db.unsafe(TYPES[o.type]);
  const value = page.cursor ? String(page.cursor[0]) : null;
  if (o.tiebreakById === false) {
    return db`
      ${join} (${value}::text is null or case when ${descending}::boolean then ${k} < ${value}::text::${type}
                                              else ${k} > ${value}::text::${type} end)
      order by case when ${descending}::boolean then ${k} end desc, ${k}
      limit ${page.limit + 1}::int
    `;
  }
  const id = page.cursor ? String(page.cursor[1]) : null;
  return db`
    ${join} (${id}::uuid is null or case when ${descending}::boolean then (${k}, id) < (${value}::text::${type}, ${id}::uuid)
                                         else (${k}, id) > (${value}::text::${type}, ${id}::uuid) end)
    order by case when ${descending}::boolean then ${k} end desc, case when ${descending}::boolean then id end desc, ${k}, id
    limit ${page.limit + 1}::int
  `;
}

/** The SQL spelling of each sort-column type: a closed list, so no caller's text reaches the statement. */
const TYPES: Readonly<Record<KeysetOrder['type'], string>> = { text: 'text', timestamptz: 'timestamptz', bigint: 'bigint' };
