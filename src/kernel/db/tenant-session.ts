import { writeAudit, type AuditEntry } from '../audit.js';
import { fromDatabaseError } from '../errors.js';
import { claimIdempotencyKey, storeIdempotentResult, type IdempotencyOption } from '../idempotency.js';
import { AccessLogBatches, insertAccessRows, type AccessRow } from './access-log.js';
import { beginWithin } from './begin-within.js';
import { isConnectionFailure, type CommitProbe } from './commit-outcome.js';
import type { Database, TransactionKind, TransactionSql } from './pool.js';
import { APP_ROLE, enterTenantScope, type TenantScope } from './tenant-scope.js';

export interface SessionLimits {
  queryTimeoutMs: number;
  queryTimeoutLongMs: number;
  acquireTimeoutMs: number;
  /** How long a write whose connection died at COMMIT may spend learning whether it committed. */
  commitConfirmTimeoutMs: number;
}

export interface SessionOptions {
  /**
   * The role every transaction switches to: health_app for requests; the admin CLI passes
   * `none` (keep the connecting owner role, which alone may create organizations).
   */
  role?: string;
  /** Wraps the transaction handed to repositories (src/operability/tracing.ts: a span per statement). */
  traceStatements?: (tx: TransactionSql) => TransactionSql;
  /** Where reads may run (a read replica); everything on the primary without it. */
  routing?: SessionRouting;
  /** Groups the PHI access rows of concurrent requests (group commit); without it, the session inserts its own. */
  accessLog?: AccessLogBatches;
}

/** What a mutation's service receives: its transaction and the audit trail of it. */
export interface UnitOfWork {
  tx: TransactionSql;
  scope: TenantScope;
  /** Queues an audit row; all queued rows are inserted just before commit. */
  audit(entry: AuditEntry): void;
}

/**
 * The request's shared read transaction. Readers get `tx` as soon as BEGIN and
 * the scope statement are written, not answered, so their first statements
 * share that round trip (patches/README.md: a statement written before BEGIN
 * answered resolves only if BEGIN succeeded, and one behind a failed scope
 * statement fails, so no row is read outside the tenant scope).
 */
interface ReadTransaction {
  tx: Promise<TransactionSql>;
  /** Where it runs: the primary, or a read replica (see SessionRouting). */
  db: Database;
  /** Filled by `beginWithin`: `entered` once the scope statement answered. */
  probe: CommitProbe | undefined;
  /** Lets the transaction commit (the request is answered). */
  release(): void;
  /** Settles when the transaction ended: fulfilled only if it committed. */
  done: Promise<unknown>;
}

/**
 * Where a session's reads may run (src/kernel/db/replica.ts). Without it,
 * everything runs on the primary.
 */
export interface SessionRouting {
  /** The database for the request's shared read transaction, or for a report's own transaction. */
  readDatabase?(purpose: 'request' | 'report'): Database;
  /** Called when the request starts a write (its user then reads from the primary for a while). */
  onWrite?(): void;
}
/** Whether a request's PHI access was logged; when not, why (for the server log, never the client). */
export type AccessOutcome = { recorded: true } | { recorded: false; cause: unknown };
const RECORDED: AccessOutcome = { recorded: true };

/** A statement the transaction's COMMIT answers for: its own rejection is reported by COMMIT. */
const settledByCommit = (statement: Promise<unknown>): void => void statement.catch(() => undefined);

/** How often a read starts afresh after finding its pooled connection dead (a restart, a terminated backend). */
const STALE_READ_RETRIES = 2;

/**
 * All database work of one request for one tenant. Reads share one lazily
 * opened transaction (one connection, one `enterTenantScope`), so DataLoader
 * batches cost one statement each. Every mutation gets its own transaction
 * that commits its rows and audit rows together or not at all.
 */
export class TenantSession {
  private readTransaction: ReadTransaction | undefined;
  private readonly patientsRead = new Set<string>();
  /** Patients whose access `recordAccessNow` already logged (never logged twice by `end`). */
  private readonly accessRecorded = new Set<string>();
  /** Set once the request answered: a read started after that (a resolver still running) opens nothing. */
  private ended = false;
  /** Reads started and not yet finished; DataLoader batches wait for zero (see `whenIdle`). */
  private readsInFlight = 0;
  private pendingDispatches: (() => void)[] = [];
  private idleCheckScheduled = false;
  /** Writes started by this request; the n-th write stores and replays its result as number n. */
  private writesStarted = 0;

  constructor(
    private readonly db: Database,
    readonly scope: TenantScope,
    private readonly limits: SessionLimits,
    private readonly operationName: () => string | null = () => null,
    /** The request's `Idempotency-Key`, if it sent one (see src/kernel/idempotency.ts). */
    private readonly idempotency: IdempotencyOption = undefined,
    options: SessionOptions = {},
  ) {
    this.role = options.role ?? APP_ROLE;
    this.traced = options.traceStatements ?? ((tx) => tx);
    this.routing = options.routing ?? {};
    // A session of its own (the admin CLI, a background job) groups with nobody: it always carries its own row.
    this.accessLog = options.accessLog ?? new AccessLogBatches();
  }

  private readonly accessLog: AccessLogBatches;

  private readonly role: string;
  private readonly routing: SessionRouting;
  /** The transaction as the request's statements see it (each labelled statement traced, when tracing is on). */
  private readonly traced: (tx: TransactionSql) => TransactionSql;

  /** Set when a replica failed this request: its further reads go to the primary. */
  private replicaFailed = false;

  private readDatabase(purpose: 'request' | 'report'): Database {
    return (!this.replicaFailed && this.routing.readDatabase?.(purpose)) || this.db;
  }

  /** Runs a read in the request's shared transaction under QUERY_TIMEOUT_MS. */
  async read<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
    this.readsInFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        const read = this.openRead();
        try {
          return await fn(this.traced(await read.tx));
        } catch (error) {
          // A connection that died idle in the pool fails BEGIN, the scope statement and what was
          // pipelined behind them: nothing was read, so a fresh transaction may read instead.
          // A replica that failed is left for the primary; a read has nothing to undo, so it may start over.
          const onReplica = read.db !== this.db;
          if (attempt >= STALE_READ_RETRIES || !isConnectionFailure(error) || (read.probe?.entered && !onReplica)) throw error;
          if (onReplica) this.replicaFailed = true;
          this.forgetRead(read);
        }
      }
    } catch (error) {
      throw fromDatabaseError(error);
    } finally {
      this.readsInFlight--;
      if (this.readsInFlight === 0) this.scheduleFlush();
    }
  }

  /**
   * Runs `dispatch` once no read of this request is in flight (checked after
   * I/O callbacks, so results that just arrived have been handed to their
   * resolvers). Loads requested meanwhile join the same batch, which makes the
   * number of statements depend on the query's shape, not on arrival timing.
   */
  whenIdle(dispatch: () => void): void {
    this.pendingDispatches.push(dispatch);
    if (this.readsInFlight === 0) this.scheduleFlush();
  }

  /**
   * Event-driven, no polling: a flush is scheduled when a batch is queued while
   * no read runs, or when the last running read finishes. `setImmediate` lets
   * the resolvers waiting on that read queue their own loads first.
   */
  private scheduleFlush(): void {
    if (this.idleCheckScheduled || this.pendingDispatches.length === 0) return;
    this.idleCheckScheduled = true;
    setImmediate(this.dispatchWhenIdle);
  }

  /** Sends every waiting batch together; if reads started meanwhile, their completion flushes instead. */
  private readonly dispatchWhenIdle = (): void => {
    this.idleCheckScheduled = false;
    if (this.readsInFlight > 0) return;
    const ready = this.pendingDispatches;
    this.pendingDispatches = [];
    for (const dispatch of ready) dispatch();
  };

  /** Runs a report in its own transaction under QUERY_TIMEOUT_LONG_MS. */
  readLong<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
    const db = this.readDatabase('report');
    const report = this.transaction(this.limits.queryTimeoutLongMs, 'read', (tx) => fn(this.traced(tx)), db);
    // A report the replica failed runs again on the primary.
    return db === this.db ? report : report.catch(() => ((this.replicaFailed = true), this.readLong(fn)));
  }

  /**
   * Runs a mutation: its own transaction, audit rows written before commit.
   * With an `Idempotency-Key`, the key is claimed first in the same
   * transaction: a repeat of the request gets this write's stored result
   * without `fn` running, and a first run stores its result before commit.
   */
  write<T>(fn: (work: UnitOfWork) => Promise<T>, options: { idempotent?: boolean } = {}): Promise<T> {
    // Bookkeeping writes of the request itself (e.g. auditing a refusal) are not the
    // client's mutation: they neither claim the key nor take a replay slot.
    const idempotency = options.idempotent === false ? undefined : this.idempotency;
    if (idempotency && 'rejected' in idempotency) return Promise.reject(idempotency.rejected);
    const slot = idempotency ? ++this.writesStarted : 0;
    if (options.idempotent !== false) this.routing.onWrite?.();
    const { userId } = this.scope;
    const keyed = idempotency && userId ? { key: idempotency, scope: { ...this.scope, userId } } : undefined;
    return this.transaction(this.limits.queryTimeoutMs, 'write', async (tx) => {
      if (keyed) {
        const claim = await claimIdempotencyKey(tx, keyed.scope, keyed.key, slot);
        if (claim.replay) return claim.value as T;
      }
      const entries: AuditEntry[] = [];
      const result = await fn({ tx: this.traced(tx), scope: this.scope, audit: (entry) => entries.push(entry) });
      // Not awaited: the audit rows (and a keyed request's stored result) leave with COMMIT in one
      // round trip. Should either fail, the transaction is aborted and its COMMIT fails with that
      // statement's error (patches/README.md), so the rows never commit without their audit.
      settledByCommit(writeAudit(tx, this.scope, entries));
      if (keyed) settledByCommit(storeIdempotentResult(tx, keyed.scope, keyed.key, slot, result));
      return result;
    });
  }

  /** Notes that this request read these patients' data (HIPAA access audit). */
  notePatientAccess(patientIds: Iterable<string>): void {
    for (const id of patientIds) this.patientsRead.add(id);
  }

  /**
   * Ends the request: records PHI access and commits the read transaction, both in one round trip
   * (the insert is on the wire when COMMIT is queued behind it on the same connection). With
   * `accessLog`, a request ending while another of its organization carries access rows hands its
   * row to the next carrier instead and commits read-only (src/kernel/db/access-log.ts). If the read
   * transaction failed for another reason, the access is recorded in a transaction of its own. When
   * patients were read and the access log refuses their row, the outcome carries the cause: the
   * caller must then withhold the data (an access that cannot be logged is not served).
   */
  async end(): Promise<AccessOutcome> {
    const ids = [...this.patientsRead].filter((id) => !this.accessRecorded.has(id));
    this.patientsRead.clear();
    const read = this.readTransaction;
    this.ended = true;
    const row = ids.length > 0 ? this.accessRow(ids) : undefined;
    if (!read) return row ? this.recordAccessAlone(row) : RECORDED;
    if (read.db !== this.db || !row) {
      // A replica cannot write: its transaction ends, and the access is recorded on the primary.
      read.release();
      await read.done.catch(() => undefined);
      return row ? this.recordAccessAlone(row) : RECORDED;
    }
    const turn = this.accessLog.join(row);
    if (turn.kind === 'passenger') {
      read.release();
      await read.done.catch(() => undefined);
      return (await turn.recorded) ? RECORDED : this.recordAccessAlone(row);
    }
    let recorded = false;
    try {
      const rows = await turn.rows;
      // Settled at once (never left rejected while COMMIT is awaited: that would be an unhandled rejection).
      const inserted = read.tx.then((tx) => insertAccessRows(tx, this.scope.organizationId, rows)).then(
        () => true,
        () => false,
      );
      // Let the insert reach the connection before COMMIT is queued behind it.
      await Promise.resolve();
      read.release();
      const committed = await read.done.then(
        () => true,
        () => false,
      );
      recorded = (await inserted) && committed;
    } finally {
      // Passengers learn the outcome (and record alone on failure); the next carrier may fly.
      turn.settle(recorded);
    }
    // The read transaction rolled back (its insert, or an earlier statement, failed): once more alone.
    return recorded ? RECORDED : this.recordAccessAlone(row);
  }

  /**
   * Records the PHI access noted so far at once, in a transaction of its own committed before this returns:
   * for an answer streamed while it is read (the FHIR NDJSON export), whose data must not leave before its
   * access is logged. Patients recorded here are not recorded again by `end`.
   */
  async recordAccessNow(): Promise<AccessOutcome> {
    const ids = [...this.patientsRead].filter((id) => !this.accessRecorded.has(id));
    if (ids.length === 0) return RECORDED;
    const outcome = await this.recordAccessAlone(this.accessRow(ids));
    if (outcome.recorded) for (const id of ids) this.accessRecorded.add(id);
    return outcome;
  }

  /** Records PHI access in a transaction of its own (the read transaction failed or never ran). */
  private recordAccessAlone(row: AccessRow): Promise<AccessOutcome> {
    return this.transaction(this.limits.queryTimeoutMs, 'write', (tx) => insertAccessRows(tx, row.organizationId, [row])).then(
      () => RECORDED,
      (cause: unknown) => ({ recorded: false, cause }),
    );
  }

  private accessRow(patientIds: string[]): AccessRow {
    const { organizationId, userId, requestId } = this.scope;
    return { organizationId, userId, requestId, patientIds, operationName: this.operationName() };
  }

  private transaction<T>(timeoutMs: number, kind: TransactionKind, fn: (tx: TransactionSql) => Promise<T>, db = this.db): Promise<T> {
    const tracked = kind === 'write';
    return beginWithin(
      db,
      this.limits.acquireTimeoutMs,
      async (tx, probe) => {
        await enterTenantScope(tx, this.scope, timeoutMs, { probe, trackCommit: tracked, role: this.role });
        return fn(tx);
      },
      kind,
      tracked ? this.limits.commitConfirmTimeoutMs : undefined,
    );
  }

  private openRead(): ReadTransaction {
    // After the answer went out nobody would ever release a transaction opened now (resolvers
    // of a branch already nulled by an error can still run): it would hold its connection forever.
    if (this.ended && !this.readTransaction) throw new Error('the request has already been answered');
    return (this.readTransaction ??= this.beginRead());
  }

  private beginRead(): ReadTransaction {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let handOut!: (tx: TransactionSql) => void;
    let fail!: (error: unknown) => void;
    const tx = new Promise<TransactionSql>((resolve, reject) => ((handOut = resolve), (fail = reject)));
    const read: ReadTransaction = { tx, db: this.readDatabase('request'), probe: undefined, release, done: Promise.resolve() };
    read.done = beginWithin(
      read.db,
      this.limits.acquireTimeoutMs,
      async (scoped, probe) => {
        read.probe = probe;
        const entered = enterTenantScope(scoped, this.scope, this.limits.queryTimeoutMs, { asynchronousCommit: true, probe, role: this.role });
        handOut(scoped);
        await entered;
        await released;
      },
      'read',
      undefined,
      0, // a dead pooled connection is retried by `read`, whose statements rode on it
    );
    read.done.catch(fail);
    return read;
  }

  /** Drops a read transaction that failed, so the next read opens a fresh one. */
  private forgetRead(read: ReadTransaction): void {
    read.release();
    if (this.readTransaction === read) this.readTransaction = undefined;
  }
}
