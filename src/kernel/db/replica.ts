import type { Logger } from 'pino';
import type { Database } from './pool.js';

export interface ReplicaOptions {
  /** REPLICA_MAX_LAG_MS: a replica further behind than this serves nothing. */
  maxLagMs: number;
  /** REPLICA_READ_YOUR_WRITES_MS: a user who wrote within this long reads from the primary. */
  readYourWritesMs: number;
  /** How often the replica's state is checked. */
  checkIntervalMs: number;
}

export type ReplicaStatus = 'up' | 'lagging' | 'down' | 'unknown';

export interface ReplicaState {
  status: ReplicaStatus;
  /** Replay lag at the last check (0 when it has replayed all it received); null when unknown. */
  lagMs: number | null;
  checkedAt: Date | null;
}

/** What a request's reads are, for choosing where they may run. */
export interface ReadIntent {
  userId: string;
  /** Reports and analysts' reads may be served a few seconds stale; a clinician's chart may not. */
  mayBeStale: boolean;
  /** Reads inside a mutation's request see its writes only on the primary. */
  operationType: 'query' | 'mutation' | 'subscription' | null;
}

/**
 * Routes reads that may be slightly stale to a streaming replica
 * (DATABASE_REPLICA_URL) while it is healthy, and everything else to the
 * primary. The replica's state is checked on a timer (never on a request's
 * path): down, or behind by more than `maxLagMs`, and every read goes to the
 * primary until a check finds it healthy again. Read-your-writes: a user who
 * wrote through this process within `readYourWritesMs` reads from the
 * primary. (A write through another API process is not seen here: keep the
 * window short or sessions sticky at the load balancer.)
 */
export class ReplicaRouter {
  private current: ReplicaState = { status: 'unknown', lagMs: null, checkedAt: null };
  private readonly lastWriteAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    readonly replica: Database,
    /** A connection of its own for the checks, so they never queue behind (or count as) request reads. */
    private readonly probe: Database,
    private readonly primary: Database,
    private readonly options: ReplicaOptions,
    private readonly logger: Logger,
  ) {}

  get state(): ReplicaState {
    return this.current;
  }

  /** Starts the periodic check; resolves after the first one. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  /** Checks the replica now (one at a time). */
  check(): Promise<void> {
    this.checking ??= this.measure().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async measure(): Promise<void> {
    let next: ReplicaState;
    try {
      // Caught up when it has replayed the primary's WAL position read just before; else as stale as its
      // last replayed commit. (Comparing with the primary also catches a replica cut off from it.)
      const [primary] = await this.primary.sql<{ lsn: string | null }[]>`select pg_current_wal_lsn()::text as lsn`;
      const [row] = await this.probe.sql<{ inRecovery: boolean | null; lagMs: number | null }[]>`
        select pg_is_in_recovery() as in_recovery,
               case when pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ${primary?.lsn ?? null}::pg_lsn) >= 0 then 0
                    else (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 end as lag_ms`;
      const lagMs = row?.lagMs ?? null;
      const healthy = row?.inRecovery === true && lagMs !== null && lagMs <= this.options.maxLagMs;
      next = { status: healthy ? 'up' : 'lagging', lagMs, checkedAt: new Date() };
    } catch {
      next = { status: 'down', lagMs: null, checkedAt: new Date() };
    }
    if (next.status !== this.current.status) {
      this.logger[next.status === 'up' ? 'info' : 'warn']({ replica: next.status, lagMs: next.lagMs }, `read replica is ${next.status}`);
    }
    this.current = next;
  }

  noteWrite(userId: string): void {
    if (this.lastWriteAt.size > 100_000) this.lastWriteAt.clear();
    this.lastWriteAt.set(userId, Date.now());
  }

  /** The database a request's reads run on. */
  databaseFor(intent: ReadIntent): Database {
    if (!intent.mayBeStale || intent.operationType !== 'query' || this.current.status !== 'up') return this.primary;
    const wrote = this.lastWriteAt.get(intent.userId);
    if (wrote !== undefined && Date.now() - wrote < this.options.readYourWritesMs) return this.primary;
    return this.replica;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.all([this.replica.close(), this.probe.close()]);
  }
}
