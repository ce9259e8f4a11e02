import type postgres from 'postgres';
import type { TransactionSql } from '../../src/kernel/db/pool.js';

/** A transaction that sends `EXPLAIN` of what a repository sends; the plan lines land in `lines`, the repository gets no rows. */
export function explaining(tx: TransactionSql, lines: string[]): TransactionSql {
  const tag = (strings: TemplateStringsArray, ...values: unknown[]) => {
    const prefixed = [`explain (costs off) ${strings[0]}`, ...strings.slice(1)];
    const query = (tx as unknown as (s: TemplateStringsArray, ...v: unknown[]) => Promise<Record<string, string>[]>)(
      Object.assign(prefixed, { raw: prefixed }),
      ...values,
    );
    return query.then((rows) => {
      lines.push(...rows.map((r) => Object.values(r)[0]!));
      return [];
    });
  };
  return tag as unknown as TransactionSql;
}

/** The plan PostgreSQL picks for what `read` sends, with its parameters (as request transactions plan), sequential scans priced out. */
export function planOf(admin: postgres.Sql, read: (tx: TransactionSql) => Promise<unknown[]>): Promise<string> {
  return admin.begin(async (sql) => {
    await sql`select set_config('enable_seqscan', 'off', true)`;
    const lines: string[] = [];
    await read(explaining(sql as unknown as TransactionSql, lines));
    return lines.join('\n');
  });
}
