import type { TransactionSql } from '../kernel/db/pool.js';
import { organizationToday } from '../kernel/organization-time.js';
import { organizationsByIds } from '../identity/organization-repository.js';

/** The organization's IANA time zone (organizations.timezone, UTC when unset): the calendar clinical dates and dates of birth are compared on. */
export async function organizationTimeZone(tx: TransactionSql, organizationId: string): Promise<string> {
  const [organization] = await organizationsByIds(tx, [organizationId]);
  return organization?.timezone ?? 'UTC';
}

/** Today's date (YYYY-MM-DD) where the organization is, for every clinical date check. */
export async function organizationTodayOf(tx: TransactionSql, organizationId: string, now = new Date()): Promise<string> {
  return organizationToday(await organizationTimeZone(tx, organizationId), now);
}
