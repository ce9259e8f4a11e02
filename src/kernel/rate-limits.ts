import postgres from 'postgres';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AbuseLimits } from './config.js';
import { rateLimited } from './errors.js';

/**
 * Limits shared by every API process: rate-limiter-flexible's
 * RateLimiterPostgres over the `rate_limits` table (created by a migration; the
 * API never creates tables at run time). It talks to PostgreSQL over a tiny
 * postgres.js pool of its own, so counting never waits behind request
 * transactions, through the `query({ text, values })` shape the library uses.
 * If PostgreSQL cannot answer, an in-memory limiter of the same size stands in
 * (the library's insurance limiter), so an outage never turns into 429s.
 */
export interface LimiterStore {
  /** A limiter of `points` per `durationSeconds`, its keys prefixed with `name`. */
  limiter(name: string, points: number, durationSeconds: number): RateLimiterPostgres;
  close(): Promise<void>;
}

export const RATE_LIMIT_TABLE = 'rate_limits';

export function createLimiterStore(databaseUrl: string, connectTimeoutMs: number): LimiterStore {
  const sql = postgres(databaseUrl, {
    max: 2,
    idle_timeout: 60,
    connect_timeout: Math.ceil(connectTimeoutMs / 1000),
    // As the main pool: reconnect within 1 s once PostgreSQL is back (the driver would grow it to 20 s).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
    // Counters need no durability: a commit never waits for the WAL flush or a synchronous standby.
    connection: { application_name: 'health-graphql-limits', synchronous_commit: 'off' },
  });
  const storeClient = {
    async query(q: { text: string; values?: unknown[] }) {
      // Safe: the text is rate-limiter-flexible's own fixed statements over RATE_LIMIT_TABLE, and every
      // value (keys, points, expiry) is a bound parameter, never spliced into the text.
      const rows = await sql.unsafe(q.text, (q.values ?? []) as never[], { prepare: true });
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
    close: () => sql.end({ timeout: 1 }),
  };
}

/** The per-user (or, anonymous, per-address) request limit of every GraphQL request. */
export class RequestLimiter {
  private readonly limiter: RateLimiterPostgres;

  constructor(store: LimiterStore, limits: AbuseLimits) {
    this.limiter = store.limiter('requests', limits.requestsPerWindow, limits.requestWindowSeconds);
  }

  /** Counts one request of `who`; throws RATE_LIMITED (HTTP 429, Retry-After) past the limit. */
  async consume(who: { userId: string } | { ip: string | null }): Promise<void> {
    const key = 'userId' in who ? `user:${who.userId}` : `ip:${who.ip ?? 'unknown'}`;
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited('Too many requests', error.msBeforeNext);
      throw error;
    }
  }
}
