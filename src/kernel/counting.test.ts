import { describe, expect, it, vi } from 'vitest';
import type { TransactionSql } from './db/pool.js';
import { rowsCounted, withCounts, withExactCounts, type BoundedCount, type PlanNode } from './counting.js';

const connection = { edges: [{ cursor: 'c', node: { id: 'a' } }], pageInfo: { hasNextPage: true, hasPreviousPage: false } };
const tx = {} as TransactionSql;
const reader = { read: <T,>(fn: (t: TransactionSql) => Promise<T>) => fn(tx) };

/** A stand-in for a count statement: awaited, it answers `[{ count }]`; embedded in another statement, it is a value. */
const statement = (count: number, limit: number | null) =>
  Object.assign(Promise.resolve([{ count }]), { limit }) as unknown as ReturnType<BoundedCount>;

describe('withCounts', () => {
  it('counts nothing until a count is read, keeping the connection as it is', async () => {
    const count = vi.fn<BoundedCount>((_tx, limit) => statement(Math.min(limit ?? 7, 7), limit));
    const counted = withCounts(connection, reader, 10, count);
    expect(count).not.toHaveBeenCalled();
    expect(counted.edges).toBe(connection.edges);
    await expect(counted.totalCount).resolves.toBe(7);
    expect(count).toHaveBeenLastCalledWith(tx, null);
    await expect(counted.totalCountEstimate).resolves.toEqual({ value: 7, exact: true });
    expect(count).toHaveBeenLastCalledWith(tx, 11);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('estimates past the limit from the plan of the same statement, never below the limit', async () => {
    const sent: { text: string; values: unknown[] }[] = [];
    // The request transaction, recording what it is sent; EXPLAIN answers a plan estimating 3 rows.
    const recording = ((strings: TemplateStringsArray, ...values: unknown[]) => {
      sent.push({ text: strings.join('$'), values });
      return Promise.resolve([{ 'QUERY PLAN': [{ Plan: { 'Node Type': 'Aggregate', 'Plan Rows': 1, Plans: [{ 'Node Type': 'Seq Scan', 'Plan Rows': 3 }] } }] }]);
    }) as unknown as TransactionSql;
    const count = vi.fn<BoundedCount>((_tx, limit) => statement(limit === null ? 0 : Math.min(limit, 50), limit));
    const counted = withCounts(connection, { read: (fn) => fn(recording) }, 5, count);
    await expect(counted.totalCountEstimate).resolves.toEqual({ value: 6, exact: false });
    // The bounded count (limit 6) reached the limit, so the unbounded statement went out under EXPLAIN, unrun.
    expect(count.mock.calls.map(([, limit]) => limit)).toEqual([6, null]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe('explain (format json) $');
    expect(sent[0]!.values).toHaveLength(1);
    expect(sent[0]!.values[0]).toBe(count.mock.results[1]!.value);
  });
});

describe('withExactCounts', () => {
  it('answers both counts from the exact count, exact', async () => {
    const counted = withExactCounts(connection, async () => 12);
    await expect(counted.totalCount).resolves.toBe(12);
    await expect(counted.totalCountEstimate).resolves.toEqual({ value: 12, exact: true });
  });
});

describe('rowsCounted', () => {
  const scan = (rows: number): PlanNode => ({ 'Node Type': 'Index Only Scan', 'Plan Rows': rows });
  it('reads the rows under the count through pass-through nodes, initplans aside', () => {
    const plan: PlanNode = {
      'Node Type': 'Aggregate', 'Plan Rows': 1,
      Plans: [
        { 'Node Type': 'Result', 'Plan Rows': 1, 'Parent Relationship': 'InitPlan' },
        { 'Node Type': 'Subquery Scan', 'Plan Rows': 900, 'Parent Relationship': 'Outer', Plans: [{ 'Node Type': 'Limit', 'Plan Rows': 900, Plans: [scan(900)] }] },
      ],
    };
    expect(rowsCounted(plan)).toBe(900);
  });
  it('sums a union (Append) and scales a parallel scan back to the whole table', () => {
    expect(rowsCounted({ 'Node Type': 'Aggregate', 'Plan Rows': 1, Plans: [{ 'Node Type': 'Append', 'Plan Rows': 70, Plans: [scan(30), scan(40)] }] })).toBe(70);
    const parallel: PlanNode = {
      'Node Type': 'Aggregate', 'Plan Rows': 1,
      Plans: [{ 'Node Type': 'Gather', 'Plan Rows': 3, 'Workers Planned': 2, Plans: [{ 'Node Type': 'Aggregate', 'Plan Rows': 1, Plans: [scan(1000)] }] }],
    };
    expect(rowsCounted(parallel)).toBeCloseTo(2400);
  });
});
