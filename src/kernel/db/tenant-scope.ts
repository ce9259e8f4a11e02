import type { CommitProbe } from './commit-outcome.js';
import type { TransactionSql } from './pool.js';

/** The application role every tenant transaction switches to; it has no BYPASSRLS. */
export const APP_ROLE = 'health_app';
/** The narrow role used by login before the organization is known. */
export const AUTH_ROLE = 'health_auth';

/** Who is acting, for which organization, in which request. */
export interface TenantScope {
  organizationId: string;
  userId: string | null;
  requestId: string;
}

/**
 * One statement that makes the rest of the transaction tenant-bound: switches
 * to the application role (so row-level security applies to every statement),
 * sets the organization and actor read by the RLS policies and triggers, and
 * bounds every statement by `timeoutMs`. List queries take optional filters as
 * `$n is null or …`; custom plans let PostgreSQL drop the unused ones and pick
 * the right index per call. All settings are transaction-local.
 */
export async function enterTenantScope(
  tx: TransactionSql,
  scope: TenantScope,
  timeoutMs: number,
  options: { role?: string; asynchronousCommit?: boolean; probe?: CommitProbe; trackCommit?: boolean } = {},
): Promise<void> {
  const role = options.role ?? APP_ROLE;
  // A request's read transaction writes only its PHI access row; committing it
  // asynchronously spares every read a WAL flush (a crash may lose the last
  // ~0.6 s of access rows). Mutations and their audit rows commit synchronously.
  const synchronousCommit = options.asynchronousCommit ? 'off' : 'on';
  // JIT is off: request statements run in well under a millisecond, while compiling them (PostgreSQL
  // JITs any plan whose estimate passes jit_above_cost, never-executed union branches included) takes
  // 0.3–1.5 s per execution under custom plans.
  // With `trackCommit`, the transaction id is taken in the same round trip, so the
  // outcome can be looked up if the connection dies at COMMIT (commit-outcome.ts).
  // The echoed settings are unused; the annotation is SafeQL's inference.
  const [row] = await tx<{ role: unknown | null; organizationId: unknown | null; userId: unknown | null; requestId: unknown | null; statementTimeout: unknown | null; planCacheMode: unknown | null; jit: unknown | null; synchronousCommit: unknown | null; txid: string | null }[]>`
    select
      set_config('role', ${role}::text, true) as role,
      set_config('app.organization_id', ${scope.organizationId}::text, true) as organization_id,
      set_config('app.user_id', ${scope.userId ?? ''}::text, true) as user_id,
      set_config('app.request_id', ${scope.requestId}::text, true) as request_id,
      set_config('statement_timeout', ${String(timeoutMs)}::text, true) as statement_timeout,
      set_config('plan_cache_mode', 'force_custom_plan', true) as plan_cache_mode,
      set_config('jit', 'off', true) as jit,
      set_config('synchronous_commit', ${synchronousCommit}::text, true) as synchronous_commit,
      case when ${options.trackCommit === true}::boolean then txid_current()::text end as txid
  `;
  if (options.probe) {
    options.probe.entered = true;
    options.probe.txid = row?.txid ?? null;
  }
}

/**
 * Sign-in runs before the organization is known: the narrow `health_auth`
 * role may look users up by email and manage refresh tokens, nothing else.
 */
export async function enterAuthScope(
  tx: TransactionSql,
  requestId: string,
  timeoutMs: number,
  probe?: CommitProbe,
): Promise<void> {
  // JIT off as in every request transaction (see enterTenantScope).
  const [row] = await tx<{ role: unknown | null; requestId: unknown | null; statementTimeout: unknown | null; jit: unknown | null; txid: string | null }[]>`
    select
      set_config('role', ${AUTH_ROLE}::text, true) as role,
      set_config('app.request_id', ${requestId}::text, true) as request_id,
      set_config('statement_timeout', ${String(timeoutMs)}::text, true) as statement_timeout,
      set_config('jit', 'off', true) as jit,
      case when ${probe !== undefined}::boolean then txid_current()::text end as txid
  `;
  if (probe) {
    probe.entered = true;
    probe.txid = row?.txid ?? null;
  }
}
