import type { PendingQuery, Row } from 'postgres';
import type { TransactionSql } from './db/pool.js';

/**
 * Reads written once per table: a repository states a table's live rows of the organization in one SafeQL-checked
 * statement (`liveInvoices`), and these select from it, as `pageOfChildren` and `countsOfChildren` page and count
 * it. PostgreSQL pulls the statement up into the outer one, so the plan is that of the statement written out.
 */

/** The rows of `live` whose id is in `ids` (a by-ids loader's batch, or one id under `lockedRow`). */
export function rowsByIds<T extends Row & { id: string }>(db: TransactionSql, live: PendingQuery<T[]>, ids: readonly string[]): PendingQuery<T[]> {
  return db<T[]>`select * from (${live}) as live where live.id = any(${ids as string[]}::uuid[])`;
}

type ByIds = (tx: TransactionSql, organizationId: string, ids: readonly string[]) => PromiseLike<readonly { patientId: string }[]>;

/** The patient of one live record, read by the table's by-ids statement; null when there is no such record. */
export function patientOfRecord(byIds: ByIds) {
  return async (tx: TransactionSql, organizationId: string, id: string): Promise<string | null> => {
    const [row] = await byIds(tx, organizationId, [id]);
    return row?.patientId ?? null;
  };
}

/** Where child rows hang off their parents: the parents' ids and the column of `live` that names one. */
export interface ChildrenOf {
  parentIds: readonly string[];
  parentColumn: string;
}

/**
 * Up to `limit` (null: all) of `live`'s rows per parent, ascending on `orderColumn`, in one statement: a LATERAL
 * scan per parent (a bounded plain list such as `Encounter.invoices(first:)`).
 */
export function limitedChildren<T extends Row>(
  db: TransactionSql,
  live: PendingQuery<T[]>,
  children: ChildrenOf,
  orderColumn: string,
  limit: number | null,
): PendingQuery<T[]> {
  const order = db(orderColumn);
  return db<T[]>`
    select r.* from unnest(${children.parentIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select * from (${live}) as live where live.${db(children.parentColumn)} = parent.id order by live.${order} limit ${limit}::int
    ) r
    order by r.${order}
  `;
}
