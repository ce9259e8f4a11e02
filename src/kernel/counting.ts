/**
 * What a connection's counts cost. `totalCount` is exact: it reads every matching row, so its cost
 * grows with the organization's data. `totalCountEstimate` is bounded: it counts at most
 * `TOTAL_COUNT_EXACT_LIMIT + 1` rows, and answers that count (`exact: true`) when there are no
 * more; past the limit it answers PostgreSQL's planner estimate of the same filtered count
 * (`EXPLAIN` of the same statement: a catalog read, no rows) with `exact: false`. The client picks.
 * Both are counted only when selected (getters), so a page that asks for neither pays for neither.
 *
 * A list's count is one statement, `count(tx, limit)`: `select count(*) from (select 1 … limit
 * $limit) matching`, where a null limit counts all (`boundedCount` writes it over the statement a
 * list pages). The same statement serves the exact count, the bounded one and, under EXPLAIN, the
 * estimate.
 */
import type { PendingQuery, Row } from 'postgres';
import type { TransactionSql } from './db/pool.js';

/**
 * The statement counting the matching rows, at most `limit` of them (null: all): `[{ count }]`. Not awaited by
 * the list, so the estimate can send it under EXPLAIN as a fragment.
 */
export type BoundedCount = (tx: TransactionSql, limit: number | null) => PendingQuery<{ count: number }[]>;

/** `select count(*) from (select 1 from (<matching>) limit $limit)`: a list's count over the statement it pages. */
export function boundedCount<T extends Row>(db: TransactionSql, matching: PendingQuery<T[]>, limit: number | null): PendingQuery<{ count: number }[]> {
  return db<{ count: number }[]>`select count(*)::int as count from (select 1 from (${matching}) as matching limit ${limit}::int) as bounded`;
}

const countedBy = async (statement: PendingQuery<{ count: number }[]>) => (await statement)[0]?.count ?? 0;

/** `totalCountEstimate`: the count when `exact`, else the planner's estimate (always above the exact limit). */
export interface CountEstimate {
  value: number;
  exact: boolean;
}

/** Runs reads in the request's transaction (TenantSession.read). */
export interface CountReader {
  read<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T>;
}

export type Counted<C> = C & { readonly totalCount: Promise<number>; readonly totalCountEstimate: Promise<CountEstimate> };

/**
 * A list's connection with both counts, each run only if selected: `totalCount` by `count(tx,
 * null)`, `totalCountEstimate` by `count(tx, exactLimit + 1)`, then the plan of `count(tx, null)`
 * when that reached the limit.
 */
export function withCounts<C extends object>(connection: C, session: CountReader, exactLimit: number, count: BoundedCount): Counted<C> {
  return {
    ...connection,
    get totalCount() {
      return session.read((tx) => countedBy(count(tx, null)));
    },
    get totalCountEstimate() {
      return estimateCount(session, exactLimit, count);
    },
  };
}

/**
 * Both counts from one exact count: for connections under one parent (a patient's encounters, an
 * instance's tasks), which grow with that parent, not with the organization, and are counted for a
 * whole level in one batched statement.
 */
export function withExactCounts<C extends object>(connection: C, count: () => Promise<number>): Counted<C> {
  return {
    ...connection,
    get totalCount() {
      return count();
    },
    get totalCountEstimate() {
      return count().then((value) => ({ value, exact: true }));
    },
  };
}

async function estimateCount(session: CountReader, exactLimit: number, count: BoundedCount): Promise<CountEstimate> {
  const bounded = await session.read((tx) => countedBy(count(tx, exactLimit + 1)));
  if (bounded <= exactLimit) return { value: bounded, exact: true };
  const planned = await session.read((tx) => plannedRows(tx, count));
  // Statistics may lag behind the table: the bounded count proved there are more than the limit.
  return { value: Math.max(Math.round(planned), exactLimit + 1), exact: false };
}

/** The planner's estimate of the rows `count(tx, null)` would count: its statement under EXPLAIN, not run. */
async function plannedRows(db: TransactionSql, count: BoundedCount): Promise<number> {
  // `db`, not `tx`: SafeQL checks the count statement itself; this only wraps it in EXPLAIN.
  const [row] = await db<Record<string, unknown>[]>`explain (format json) ${count(db, null)}`;
  const plan = Object.values(row ?? {})[0];
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: PlanNode }];
  return rowsCounted(parsed[0].Plan);
}

export interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  'Parent Relationship'?: string;
  'Workers Planned'?: number;
  Plans?: PlanNode[];
}

/** Nodes between the count and the rows it counts, which pass rows through. */
const WRAPPERS = new Set(['Aggregate', 'Limit', 'Subquery Scan', 'Gather', 'Result']);

/**
 * The estimated rows under the plan's count(*) aggregate. Under a Gather the scan's estimate is
 * per process: scaled back as the planner divides it (workers, plus a leader share of 1 - 0.3 per
 * worker when positive).
 */
export function rowsCounted(node: PlanNode, divisor = 1): number {
  // InitPlans and SubPlans (a filter's subquery) compute values, not the counted rows.
  const inputs = (node.Plans ?? []).filter((p) => p['Parent Relationship'] !== 'InitPlan' && p['Parent Relationship'] !== 'SubPlan');
  const child = inputs[0];
  if (!WRAPPERS.has(node['Node Type']) || !child || inputs.length > 1) return node['Plan Rows'] * divisor;
  if (node['Node Type'] === 'Gather') {
    const workers = node['Workers Planned'] ?? 0;
    const leader = 1 - 0.3 * workers;
    return rowsCounted(child, workers + (leader > 0 ? leader : 0));
  }
  return rowsCounted(child, divisor);
}
