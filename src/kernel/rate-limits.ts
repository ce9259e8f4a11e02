import postgres from 'postgres';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AbuseLimits } from './config.js';
import { rateLimited } from './errors.js';

/**
 * Limits shared by every API process, in PostgreSQL's `rate_limits` table
 * (created by a migration; the API never creates tables at run time), over a
 * tiny postgres.js pool of its own so counting never waits behind request
 * transactions.
 *
 * - The sign-in throttles (src/identity/login-throttle.ts) are rare and must be
 *   exact: rate-limiter-flexible's RateLimiterPostgres, one atomic statement per
 *   call, through the `query({ text, values })` shape the library uses. If
 *   PostgreSQL cannot answer, an in-memory limiter of the same size stands in
 *   (the library's insurance limiter), so an outage never turns into 429s.
 * - The per-request limit counts in memory and writes behind: see RequestLimiter.
 */
export interface LimiterStore {
  /** A limiter of `points` per `durationSeconds`, its keys prefixed with `name`. */
  limiter(name: string, points: number, durationSeconds: number): RateLimiterPostgres;
  /**
   * Adds `points` to each key's count of its current window, in one statement,
   * with RateLimiterPostgres's semantics and row format (a key whose window is
   * over starts a new one of `durationMs`), and answers every key's shared total.
   */
  addCounts(counts: ReadonlyMap<string, number>, durationMs: number): Promise<SharedCount[]>;
  /** Statements sent so far (a test's way to see that a request sent none). */
  readonly statements: number;
  close(): Promise<void>;
}

/** A key's count in PostgreSQL (every process's), and when its window ends (epoch ms). */
export interface SharedCount {
  key: string;
  points: number;
  expire: number;
}

export const RATE_LIMIT_TABLE = 'rate_limits';

export function createLimiterStore(databaseUrl: string, connectTimeoutMs: number, prepare = true): LimiterStore {
  const sql = postgres(databaseUrl, {
    max: 2,
    // Every statement of this pool, the tagged ones included: behind a transaction-mode pooler a named
    // statement prepared on one server connection is missing on the next, and the driver's re-prepare of
    // pipelined statements there mismatched answers (a flush read a sign-in check's rows) and stalled queries.
    prepare,
    idle_timeout: 60,
    connect_timeout: Math.ceil(connectTimeoutMs / 1000),
    // As the main pool: reconnect within 1 s once PostgreSQL is back (the driver would grow it to 20 s).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
    // Only parameters a transaction-mode pooler accepts at startup: the counters' table is unlogged
    // instead (migration 000011), so their commits never wait for a WAL flush.
    connection: { application_name: 'health-graphql-limits' },
  });
  let statements = 0;
  const storeClient = {
    async query(q: { text: string; values?: unknown[] }) {
      statements++;
      // Safe: the text is rate-limiter-flexible's own fixed statements over RATE_LIMIT_TABLE, and every
      // value (keys, points, expiry) is a bound parameter, never spliced into the text.
      const rows = await sql.unsafe(q.text, (q.values ?? []) as postgres.ParameterOrJSON<never>[], { prepare });
      return { rows, rowCount: rows.count };
    },
  };
  let sweeper = true;
  return {
    limiter(name, points, durationSeconds) {
      const limiter = new RateLimiterPostgres({
        storeClient,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        // One limiter per process deletes rows expired an hour ago, every 5 minutes.
        clearExpiredByTimeout: sweeper,
        keyPrefix: name,
        points,
        duration: durationSeconds,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds }),
      });
      sweeper = false;
      return limiter;
    },
    async addCounts(counts, durationMs) {
      // In key order, so two processes flushing overlapping keys lock their rows in the same order.
      const keys = [...counts.keys()].sort();
      const points = keys.map((key) => counts.get(key) ?? 0);
      const now = Date.now();
      statements++;
      const rows = await sql<{ key: string; points: number; expire: string | null }[]>`
        insert into rate_limits (key, points, expire)
        select counted.key, counted.points, ${now + durationMs}::bigint
        from unnest(${keys}::varchar[], ${points}::int[]) as counted(key, points)
        on conflict (key) do update set
          points = case when rate_limits.expire <= ${now}::bigint then excluded.points else rate_limits.points + excluded.points end,
          expire = case when rate_limits.expire <= ${now}::bigint then excluded.expire else rate_limits.expire end
        returning key, points, expire
      `;
      return rows.map((r) => ({ key: r.key, points: r.points, expire: Number(r.expire) }));
    },
    get statements() {
      return statements;
    },
    close: () => sql.end({ timeout: 1 }),
  };
}

/** How long a count may stay unwritten (a flush is due this long after the first count since the last one). */
export const REQUEST_COUNT_FLUSH_MS = 200;

/** The counts of one flush: per key (without the limiter's prefix), the points counted since the last. */
class Batch {
  readonly counts = new Map<string, number>();
  queued = false;
  /** Resolves once written: every key's shared total, or null when PostgreSQL did not answer. Never rejects. */
  readonly written: Promise<Map<string, SharedCount> | null>;
  settle!: (totals: Map<string, SharedCount> | null) => void;

  constructor() {
    this.written = new Promise((resolve) => (this.settle = resolve));
  }

  /** Counts one more point of `key`; answers how many this batch holds for it now. */
  add(key: string, points = 1): number {
    const n = (this.counts.get(key) ?? 0) + points;
    this.counts.set(key, n);
    return n;
  }
}

/**
 * The per-user (or, anonymous, per-address) request limit of every GraphQL
 * request, counted in memory and written behind to PostgreSQL.
 *
 * Each process decides with rate-limiter-flexible's RateLimiterMemory: its
 * count of a key is the shared total PostgreSQL answered at the last flush
 * plus what this process counted since, over the window PostgreSQL holds for
 * that key. A request only increments that count and its key's entry in the
 * current batch: no statement. At most REQUEST_COUNT_FLUSH_MS after the first
 * unwritten count, one statement adds the whole batch to `rate_limits` (the
 * row format and fixed-window semantics of RateLimiterPostgres) and reads back
 * the shared totals, which become the process's counts. Flushes of one process
 * run one at a time.
 *
 * Near the limit (the last tenth of it, at least one request) a request waits
 * for a flush that includes it and is decided on the shared total, as the
 * atomic increment of RateLimiterPostgres did: requests of a key there are
 * ordered by PostgreSQL, exactly, whichever process they reach.
 *
 * Overshoot across processes (the bound README.md states): a process's count
 * of a key lacks only what the other processes counted since its last flush
 * of that key, i.e. within one REQUEST_COUNT_FLUSH_MS plus a round trip (all
 * of it for a key it has not flushed yet, until its first flush, as long
 * after). It refuses on its own once its count passes the limit and asks
 * PostgreSQL once it is in the last tenth. So per window a key gets at most its
 * limit plus what the other P - 1 processes accepted for it from memory in one
 * flush interval plus a round trip each: nothing for a client that talks to
 * one process; for one spreading 100 requests/s over 4 processes (25/s each,
 * about 0.25 s), some 3 × 6 ≈ 20 requests.
 *
 * If PostgreSQL cannot answer, the counts in memory decide (an outage never
 * turns into 429s) and the unwritten counts are written with the next flush.
 */
export class RequestLimiter {
  private readonly local: RateLimiterMemory;
  private readonly points: number;
  private readonly durationMs: number;
  /** A count above this waits for a flush and is decided on the shared total. */
  private readonly nearLimit: number;
  private readonly flushMs: number;
  private current = new Batch();
  private flushes: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: LimiterStore,
    limits: AbuseLimits,
    options: { flushMs?: number; onFlushError?: (error: unknown) => void } = {},
  ) {
    this.points = limits.requestsPerWindow;
    this.durationMs = limits.requestWindowSeconds * 1000;
    this.nearLimit = this.points - Math.max(1, Math.ceil(this.points / 10));
    this.flushMs = options.flushMs ?? REQUEST_COUNT_FLUSH_MS;
    this.onFlushError = options.onFlushError ?? (() => {});
    this.local = new RateLimiterMemory({ keyPrefix: 'requests', points: this.points, duration: limits.requestWindowSeconds });
  }

  private readonly onFlushError: (error: unknown) => void;
  /** The last flush failed (an error is reported once per outage, not per flush). */
  private failing = false;

  /** Counts one request of `who`; throws RATE_LIMITED (HTTP 429, Retry-After) past the limit. */
  async consume(who: { userId: string } | { ip: string | null }): Promise<void> {
    const key = 'userId' in who ? `user:${who.userId}` : `ip:${who.ip ?? 'unknown'}`;
    // Both counts happen now, synchronously: the memory limiter's and the batch's.
    const counted = this.local.consume(key);
    const batch = this.current;
    const ordinal = batch.add(key);
    this.scheduleFlush();
    let res: RateLimiterRes;
    try {
      res = await counted;
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited('Too many requests', error.msBeforeNext);
      throw error;
    }
    if (res.consumedPoints <= this.nearLimit) return;
    // Near the limit: decided on the shared total, this request's place among the batch's requests of its key.
    const shared = (await this.flushBatch(batch))?.get(key);
    if (!shared) return;
    const place = shared.points - (batch.counts.get(key) ?? 0) + ordinal;
    if (place > this.points) throw rateLimited('Too many requests', Math.max(shared.expire - Date.now(), 1000));
  }

  /** Writes every count so far (one statement, none when there is nothing to write); resolves once written or failed. */
  async flush(): Promise<void> {
    await this.flushBatch(this.current);
  }

  /** Stops the flush timer and writes what is left (waiting at most `waitMs`: PostgreSQL may be gone). */
  async close(waitMs = 1000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((resolve) => (giveUp = setTimeout(resolve, waitMs).unref()))]);
    clearTimeout(giveUp);
  }

  private scheduleFlush() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  /** Queues the write of `batch` (once) behind the flushes before it; counts keep joining it until it starts. */
  private flushBatch(batch: Batch): Promise<Map<string, SharedCount> | null> {
    if (!batch.queued) {
      batch.queued = true;
      this.flushes = this.flushes
        .then(() => this.write(batch))
        .catch((error: unknown) => {
          this.onFlushError(error);
          batch.settle(null);
        });
    }
    return batch.written;
  }

  private async write(batch: Batch): Promise<void> {
    if (this.current === batch) this.current = new Batch();
    if (batch.counts.size === 0) return batch.settle(new Map());
    const counts = new Map<string, number>();
    for (const [key, n] of batch.counts) counts.set(this.local.getKey(key) as string, n);
    let rows: SharedCount[];
    try {
      rows = await this.store.addCounts(counts, this.durationMs);
    } catch (error) {
      // Counted again with the next flush; meanwhile the counts in memory decide.
      for (const [key, n] of batch.counts) this.current.add(key, n);
      this.scheduleFlush();
      if (!this.failing) this.onFlushError(error);
      this.failing = true;
      return batch.settle(null);
    }
    this.failing = false;
    const totals = new Map<string, SharedCount>();
    const now = Date.now();
    for (const row of rows) {
      const key = this.local.parseKey(row.key) as string;
      totals.set(key, row);
      if (row.expire <= now) continue;
      // The shared total plus what this process counted since the batch was taken, over PostgreSQL's window.
      void this.local.set(key, row.points + (this.current.counts.get(key) ?? 0), (row.expire - now) / 1000);
    }
    batch.settle(totals);
  }
}
