import type { TransactionSql } from '../kernel/db/pool.js';
import { organizationToday } from '../kernel/organization-time.js';
import { organizationsByIds } from '../identity/organization-repository.js';

/** The organization's IANA timezone (organizations.timezone, UTC when unset). */
export async function organizationTimeZone(tx: TransactionSql, organizationId: string): Promise<string> {
  const [organization] = await organizationsByIds(tx, [organizationId]);
  return organization?.timezone ?? 'UTC';
}

/** Today's date (YYYY-MM-DD) where the organization is, for every clinical date check. */
export async function organizationTodayOf(tx: TransactionSql, organizationId: string, now = new Date()): Promise<string> {
  return organizationToday(await organizationTimeZone(tx, organizationId), now);
}
