import type { TransactionSql } from '../kernel/db/pool.js';

/** Whether the user is an active member of the organization holding at least one of `roles`. */
export async function activeUserHoldsRole(
  tx: TransactionSql,
  organizationId: string,
  userId: string,
  roles: readonly string[],
): Promise<boolean> {
  const rows = await tx<{ id: string }[]>`
    /* activeUserHoldsRole */
    select u.id from users u
    where u.organization_id = ${organizationId}::uuid and u.id = ${userId}::uuid and u.active
      and exists (select 1 from user_roles r
                  where r.organization_id = u.organization_id and r.user_id = u.id
                    and r.role_code = any(${roles as string[]}::text[]))
  `;
  return rows.length > 0;
}
