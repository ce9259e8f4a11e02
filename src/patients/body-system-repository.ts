import type { TransactionSql } from '../kernel/db/pool.js';

/**
 * One row of `body_systems`: global reference data (no organization_id, no
 * soft delete), readable by every tenant.
 */
export interface BodySystemRow {
  id: string;
  code: string;
  name: string;
  description: string | null;
  sortOrder: number;
  createdAt: Date;
}

export async function allBodySystems(tx: TransactionSql): Promise<BodySystemRow[]> {
  return tx<BodySystemRow[]>`
    /* allBodySystems */
    select id, code, name, description, sort_order, created_at
    from body_systems
    order by sort_order, name, id
  `;
}

export async function bodySystemsByIds(tx: TransactionSql, ids: readonly string[]): Promise<BodySystemRow[]> {
  return tx<BodySystemRow[]>`
    /* bodySystemsByIds */
    select id, code, name, description, sort_order, created_at
    from body_systems
    where id = any(${ids as string[]}::uuid[])
  `;
}
