/**
 * Bulk loading with COPY … FROM STDIN (text format) over postgres.js.
 *
 * postgres@3.4.9 never settles a COPY writable whose statement the server
 * rejects after the data was sent (porsager/postgres#1173: e.g. a foreign-key
 * or CHECK violation found at the end of the COPY); the error is handed only
 * to the query's internal `reject`. `copyInto` hooks that function, so a
 * failed COPY rejects with the real PostgreSQL error instead of hanging.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type postgres from 'postgres';

/** A column value as COPY text: null/undefined → \N, booleans → t/f, strings escaped. */
export type CopyValue = string | number | boolean | null | undefined;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyText(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => ESCAPED[c]!) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}

/** A PostgreSQL text[] literal of simple upper-case codes (no quoting needed). */
export function textArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

const PAGE_BYTES = 1 << 20;

/**
 * Rows of one table waiting to be copied, encoded as COPY text straight into
 * 1 MiB byte pages (off the JS heap, so large batches cost the GC little).
 */
export class TableBuffer {
  private readonly pages: Buffer[] = [];
  private page: Buffer | null = null;
  private used = 0;
  rows = 0;

  constructor(
    readonly table: string,
    readonly columns: readonly string[],
  ) {}

  add(values: readonly CopyValue[]): void {
    if (values.length !== this.columns.length) {
      throw new Error(`seed: ${this.table} row has ${values.length} values for ${this.columns.length} columns`);
    }
    let line = copyText(values[0]);
    for (let i = 1; i < values.length; i++) line += '\t' + copyText(values[i]);
    line += '\n';
    this.rows += 1;
    const worst = line.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (worst > PAGE_BYTES) {
      this.seal();
      this.pages.push(Buffer.from(line, 'utf8'));
      return;
    }
    if (this.page === null || this.used + worst > PAGE_BYTES) {
      this.seal();
      this.page = Buffer.allocUnsafe(PAGE_BYTES);
    }
    this.used += this.page.write(line, this.used, 'utf8');
  }

  /** Closes the current page; returns every filled page, in order. */
  seal(): Buffer[] {
    if (this.page !== null && this.used > 0) this.pages.push(this.page.subarray(0, this.used));
    this.page = null;
    this.used = 0;
    return this.pages;
  }
}

/**
 * Streams the buffer into its table with one COPY statement in a transaction of
 * its own (which also holds the connection: postgres.js pipelines queries onto
 * busy connections, and any message but copy data sent during a COPY makes the
 * server drop the connection, "protocol synchronization was lost").
 * `skipTriggers` (superuser only) loads with session_replication_role = replica:
 * no foreign-key checks (each one a lookup and a row lock on the parent) and no
 * user triggers, for rows whose references and derived columns the generator
 * already got right.
 */
export async function copyInto(sql: postgres.Sql, buffer: TableBuffer, options: { skipTriggers?: boolean } = {}): Promise<void> {
  const parts = buffer.seal();
  if (buffer.rows === 0) return;
  await sql.begin(async (tx) => {
    // A commit need not wait for its WAL to reach the disk: a crash loses the seed either way.
    if (options.skipTriggers) {
      await tx<{ synchronousCommit: unknown | null; sessionReplicationRole: unknown | null }[]>`
        select set_config('synchronous_commit', 'off', true) as synchronous_commit,
               set_config('session_replication_role', 'replica', true) as session_replication_role`;
    } else await tx<{ synchronousCommit: unknown | null }[]>`select set_config('synchronous_commit', 'off', true) as synchronous_commit`;
    await copyOn(tx, buffer, parts);
  });
}

async function copyOn(sql: postgres.TransactionSql, buffer: TableBuffer, parts: Buffer[]): Promise<void> {
  // COPY cannot be parameterised; table and column names are the seeder's own constants (src/seed/tables.ts).
  const query = sql.unsafe(`copy ${buffer.table} (${buffer.columns.join(', ')}) from stdin`);

  let failServer: (error: unknown) => void = () => {};
  const serverFailed = new Promise<never>((_, reject) => {
    failServer = reject;
  });
  serverFailed.catch(() => {}); // observed through Promise.race below
  const internal = query as unknown as { reject?: (error: unknown) => void };
  const originalReject = internal.reject;
  if (typeof originalReject === 'function') {
    internal.reject = (error: unknown) => {
      failServer(error);
      originalReject.call(query, error);
    };
  }

  const writable = await query.writable();
  await Promise.race([pipeline(Readable.from(parts), writable), serverFailed]).catch(
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const detail = (error as { detail?: string }).detail;
      throw new Error(`COPY into ${buffer.table} failed: ${message}${detail ? ` (${detail})` : ''}`, { cause: error });
    },
  );
}

/** Runs at most `concurrency` tasks at once, in submission order. */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter.
    if (active >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
