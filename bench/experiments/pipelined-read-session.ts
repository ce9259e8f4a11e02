/**
 * Experiment (not part of `npm run bench`): our API with the request's read
 * transaction pipelined, to measure the gain of the proposed change to
 * src/kernel/db/tenant-session.ts before making it there.
 *
 *   - the tenant-scope `set_config` is sent without waiting for its answer,
 *     so it travels with the request's first query (one round trip fewer);
 *   - the PHI access-log insert is sent and COMMIT queued right behind it,
 *     instead of awaiting the insert before committing (one round trip fewer).
 *
 * Statements per request stay the same; round trips per read request drop by two.
 * Ordering is kept by the connection (postgres.js pipelines in order on the
 * transaction's connection); a failed set_config aborts the transaction, so
 * nothing can run outside the tenant scope.
 *
 *   node --import tsx bench/experiments/pipelined-read-session.ts   (same environment as src/main.ts)
 */
import { beginWithin } from '../../src/kernel/db/begin-within.js';
import { TenantSession } from '../../src/kernel/db/tenant-session.js';
import { enterTenantScope } from '../../src/kernel/db/tenant-scope.js';
import type { TransactionSql } from '../../src/kernel/db/pool.js';

interface SessionInternals {
  readTx: Promise<TransactionSql> | undefined;
  releaseRead: (() => void) | undefined;
  readDone: Promise<unknown> | undefined;
  patientsRead: Set<string>;
  db: Parameters<typeof beginWithin>[0];
  scope: { organizationId: string; userId: string | null; requestId: string };
  limits: { queryTimeoutMs: number; acquireTimeoutMs: number };
  operationName: () => string | null;
}

const proto = TenantSession.prototype as unknown as Record<string, unknown>;

proto.openRead = function openRead(this: SessionInternals): Promise<TransactionSql> {
  this.readTx ??= new Promise<TransactionSql>((resolve, reject) => {
    const released = new Promise<void>((r) => (this.releaseRead = r));
    this.readDone = beginWithin(
      this.db,
      this.limits.acquireTimeoutMs,
      async (tx) => {
        const scoped = enterTenantScope(tx, this.scope, this.limits.queryTimeoutMs);
        resolve(tx); // queries issued now are pipelined behind set_config
        await scoped;
        await released;
      },
      'read',
    ).catch(reject);
  });
  return this.readTx;
};

proto.end = async function end(this: SessionInternals): Promise<void> {
  let insert: Promise<unknown> | null = null;
  if (this.patientsRead.size > 0 && this.readTx) {
    const ids = [...this.patientsRead];
    this.patientsRead.clear();
    const tx = await this.readTx.catch(() => null);
    if (tx) {
      const query = tx`
        insert into phi_access_log (organization_id, user_id, request_id, patient_ids, operation_name)
        values (${this.scope.organizationId}::uuid, ${this.scope.userId}::uuid, ${this.scope.requestId}, ${ids}::uuid[], ${this.operationName()})
      `;
      query.execute(); // on the wire now; COMMIT follows it on the same connection
      insert = query.catch(() => {});
    }
  }
  if (this.releaseRead) {
    this.releaseRead();
    await this.readDone?.catch(() => {});
  }
  await insert;
};

await import('../../src/main.js');
