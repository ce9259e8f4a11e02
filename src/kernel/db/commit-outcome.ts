import { DomainError } from '../errors.js';
import type { Database } from './pool.js';

/**
 * What a write transaction tells about itself so that, if its connection dies
 * while COMMIT is in flight, its outcome can be learned on another connection,
 * and, if it dies before anything ran, the transaction can move to another one.
 * Both fields are filled by the statement that enters the tenant (or sign-in) scope.
 */
export interface CommitProbe {
  /** Set once the scope statement succeeded: from then on the transaction may have done something. */
  entered: boolean;
  txid: string | null;
}

/** postgres.js and PostgreSQL codes meaning the connection itself failed (not the statement). */
const CONNECTION_FAILURES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
]);

export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_FAILURES.has(code);
}

export type CommitOutcome = 'committed' | 'aborted' | 'unknown';

/** The client must re-read before retrying: the change may or may not have been saved. */
export const outcomeUnknown = () =>
  new DomainError(
    'OUTCOME_UNKNOWN',
    'The database connection failed while this change was being committed, and whether it was saved could not be ' +
      'confirmed. Re-read the record before trying again, or repeat the request with the same Idempotency-Key.',
    { retryable: false },
  );

/**
 * Asks PostgreSQL on a fresh pooled connection whether transaction `txid`
 * committed (`txid_status`, made for exactly this). While the server is
 * unreachable, or still reports the transaction in progress (its backend has
 * not yet noticed the lost client), it asks again, until `withinMs` has passed.
 */
export async function learnCommitOutcome(db: Database, txid: string, withinMs: number): Promise<CommitOutcome> {
  const deadline = performance.now() + withinMs;
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) return 'unknown';
    try {
      const status = await withTimeout(
        db.sql<{ status: string | null }[]>`select txid_status(${txid}::bigint) as status`.then((rows) => rows[0]?.status),
        remaining,
      );
      if (status === 'committed') return 'committed';
      if (status === 'aborted') return 'aborted';
      // 'in progress' (the backend has not ended yet); null means the id is too old to know.
      if (status !== 'in progress') return 'unknown';
    } catch (error) {
      if (!isConnectionFailure(error) && !(error instanceof OutcomeTimeout)) return 'unknown';
    }
    await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** attempt, 500, Math.max(0, deadline - performance.now()))));
  }
}

class OutcomeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new OutcomeTimeout()), ms)));
  // A query still queued when time runs out settles later, on its own; nobody waits for it.
  promise.catch(() => {});
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
