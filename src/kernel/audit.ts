import type { TransactionSql } from './db/pool.js';
import type { TenantScope } from './db/tenant-scope.js';

/**
 * The audit actions the application knows, as keys of this interface. The
 * kernel knows no domain, so it declares none: each domain lists its actions
 * (`src/<domain>/audit-actions.ts`) and `src/audit-actions.ts` merges them all
 * in, which makes a misspelled action a type error.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface AuditActionRegistry {}
export type AuditAction = keyof AuditActionRegistry & string;

/** How the audited attempt ended: a committed change, or the refusal of a mutation (rolled back). */
export const AUDIT_OUTCOMES = ['SUCCESS', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One audited event; `before`/`after` hold the changed record (never secrets). */
export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  /** SUCCESS unless stated. */
  outcome?: AuditOutcome;
}

/**
 * Writes audit rows inside the caller's transaction, in one statement, so
 * they commit or roll back with the change they describe.
 */
export async function writeAudit(tx: TransactionSql, scope: TenantScope, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    changes: e.before === undefined && e.after === undefined ? null : { before: e.before ?? null, after: e.after ?? null },
    outcome: e.outcome ?? 'SUCCESS',
  }));
  await tx`
    insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes, request_id, outcome)
    select ${scope.organizationId}::uuid, ${scope.userId}::uuid, r.action, r.entity_type, r.entity_id, r.changes, ${scope.requestId}, r.outcome
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
      as r(action text, entity_type text, entity_id uuid, changes jsonb, outcome text)
  `.execute(); // on the wire now, ahead of a COMMIT issued before this settles (TenantSession.write)
}

/** The fields that differ between two versions of a record, for an audit row's before/after. */
export function changedFields<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (key === 'updatedAt' || key === 'version') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
