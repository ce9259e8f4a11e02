import { DomainError, databaseUnavailable, fromDatabaseError } from '../errors.js';
import { isConnectionFailure, learnCommitOutcome, outcomeUnknown, type CommitProbe } from './commit-outcome.js';
import type { Database, TransactionKind, TransactionSql } from './pool.js';

/** Nothing ran (the transaction never got a connection), so a retry is safe: `retryable`. */
const poolBusy = () =>
  new DomainError('TIMEOUT', 'The database is busy: no connection became free within the acquire timeout; retry shortly', {
    retryable: true,
  });

/**
 * `sql.begin`, but a wait for a free connection longer than `acquireTimeoutMs`
 * fails with TIMEOUT (postgres.js queues without limit). A transaction that
 * gets its connection after the caller gave up ends at once, doing nothing.
 *
 * `body` must open with the scope statement (`enterTenantScope` /
 * `enterAuthScope`): BEGIN is pipelined (patches/README.md), so that statement
 * travels with it, and it only sets transaction-local settings, which do
 * nothing should BEGIN fail.
 *
 * With `confirmCommitWithinMs`, a connection that dies after the body finished
 * (so while COMMIT was in flight) does not make the caller guess: the outcome
 * is learned from PostgreSQL by the transaction id the body put in its probe.
 * Committed → the body's result; aborted → the retryable "unavailable" error;
 * not learnable in time → OUTCOME_UNKNOWN (re-read, do not retry blindly).
 */
export function beginWithin<T>(
  db: Database,
  acquireTimeoutMs: number,
  body: (tx: TransactionSql, probe: CommitProbe) => Promise<T>,
  kind: TransactionKind = 'write',
  confirmCommitWithinMs?: number,
  staleRetries = 2,
): Promise<T> {
  const requestedAt = performance.now();
  return new Promise<T>((resolve, reject) => {
    let state: 'waiting' | 'running' | 'abandoned' = 'waiting';
    let startedAt = 0;
    const probe: CommitProbe = { entered: false, txid: null };
    let finished: { value: T } | undefined;
    db.inUse.waiting++;
    const stopWaiting = () => {
      db.inUse.waiting--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      if (state !== 'waiting') return;
      state = 'abandoned';
      db.inUse.waiting--;
      reject(poolBusy());
    }, acquireTimeoutMs);
    db.sql
      .begin(async (tx) => {
        if (state === 'abandoned') return undefined;
        state = 'running';
        stopWaiting();
        db.inUse.count++;
        startedAt = performance.now();
        try {
          const value = await body(tx, probe);
          finished = { value };
          return value;
        } finally {
          db.inUse.count--;
        }
      })
      .then(
        (value) => {
          if (startedAt) db.onTransaction?.(kind, (performance.now() - startedAt) / 1000);
          resolve(value as T);
        },
        (error: unknown) => {
          if (state === 'waiting') stopWaiting();
          if (state === 'abandoned') return;
          // BEGIN or the scope statement failed on a connection that died idle in the pool
          // (a PostgreSQL restart, a terminated backend): nothing ran, so another connection may.
          if (isConnectionFailure(error) && !probe.entered && staleRetries > 0) {
            const left = Math.max(1, acquireTimeoutMs - (performance.now() - requestedAt));
            beginWithin(db, left, body, kind, confirmCommitWithinMs, staleRetries - 1).then(resolve, reject);
            return;
          }
          const atCommit = finished !== undefined && isConnectionFailure(error);
          if (!atCommit || confirmCommitWithinMs === undefined || probe.txid === null) {
            reject(fromDatabaseError(error));
            return;
          }
          const result = finished!.value;
          void learnCommitOutcome(db, probe.txid, confirmCommitWithinMs).then((outcome) => {
            db.onCommitOutcome?.(outcome);
            if (outcome === 'committed') resolve(result);
            else reject(outcome === 'aborted' ? databaseUnavailable() : outcomeUnknown());
          });
        },
      );
  });
}
