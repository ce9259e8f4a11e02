/**
 * How the schema maps onto Citus, distributed by `organization_id`
 * (docs/scale-out.md explains each choice). Rules, so a new table needs no
 * entry unless it is an exception:
 * - a table with `organization_id` is DISTRIBUTED by it, colocated with every other one;
 * - a table without it is a REFERENCE table (copied to every node);
 * - the exceptions below.
 */
export const DISTRIBUTION_COLUMN = 'organization_id';

/**
 * Tenant tables kept as reference tables anyway: sign-in finds a user by email
 * and a session by its refresh token before the organization is known, so
 * their global unique keys (email, token hash) must hold on one node. They are
 * small and written rarely (accounts, role grants, one row per sign-in or refresh).
 * `organizations` is the tenant list itself, read on every node's joins.
 */
export const REFERENCE_TENANT_TABLES = ['organizations', 'users', 'user_roles', 'refresh_tokens'] as const;

/** Coordinator-local tables: never joined with tenant data, written on every request by every API process. */
export const LOCAL_TABLES = ['rate_limits'] as const;

export type Placement = 'distributed' | 'reference' | 'local';

export function placementOf(table: string, hasOrganizationId: boolean): Placement {
  if ((LOCAL_TABLES as readonly string[]).includes(table)) return 'local';
  if ((REFERENCE_TENANT_TABLES as readonly string[]).includes(table)) return 'reference';
  return hasOrganizationId ? 'distributed' : 'reference';
}
