import type { PendingQuery, Row } from 'postgres';
import type { TransactionSql } from './db/pool.js';

/**
 * The row `byId` selects — a repository's SafeQL-checked by-ids statement given one id — locked FOR UPDATE until
 * the transaction ends; null when there is no such row. A lock thereby reads exactly the columns and rows (live
 * ones only, where the by-ids statement says so) its loader reads, written once. `label` opens the statement,
 * naming the repository function that sends it (test/foundation/sql-labels.test.ts).
 */
export async function lockedRow<T extends Row>(db: TransactionSql, label: string, byId: PendingQuery<T[]>): Promise<T | null> {
  if (!/^\w+$/.test(label)) throw new Error(`lockedRow: label must be an identifier, got ${label}`);
  // unsafe is safe here: the label was just checked to be an identifier, and a comment takes no parameter.
  const [row] = await db<T[]>`${db.unsafe(`/* ${label} */`)} ${byId} for update`;
  return row ?? null;
}
