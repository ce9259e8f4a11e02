/**
 * The monthly partitions of the two append-only logs, audit_log and phi_access_log (migration
 * 000018): made ahead of time by a recurring job, and detached by the operator's retention command
 * (`npm run logs:retention`) once wholly older than the retention period. The SQL lives in the
 * migration's functions: ensure_log_partitions (the runtime role may run it: it can only add the
 * coming months) and detach_log_partitions (the owner only).
 */
import type { Sql } from './db/pool.js';
import { APP_ROLE } from './db/tenant-scope.js';

/** Makes the missing partitions of the current month and `monthsAhead` after it, as the runtime role; returns how many. */
export async function ensureLogPartitions(sql: Sql, monthsAhead: number): Promise<number> {
  const made = await sql.begin(async (tx) => {
    await tx<{ role: unknown | null }[]>`select set_config('role', ${APP_ROLE}::text, true) as role`;
    return tx<{ made: number | null }[]>`select ensure_log_partitions(${monthsAhead}::int)::int as made`;
  });
  return made[0]?.made ?? 0;
}

/** A retention period as the command takes it: `7y`, `84m` (months) or `2555d`. */
export interface RetentionPeriod {
  /** As a PostgreSQL interval, e.g. `7 years`. */
  interval: string;
  /** Roughly, in days, for the lower bound check. */
  days: number;
}

const UNITS = { y: ['years', 365], m: ['months', 30], d: ['days', 1] } as const;

/** Parses `7y` / `84m` / `2555d`; null when malformed. */
export function parseRetentionPeriod(text: string): RetentionPeriod | null {
  const match = /^(\d{1,5})([ymd])$/.exec(text.trim());
  if (!match) return null;
  const [name, days] = UNITS[match[2] as keyof typeof UNITS];
  const n = Number(match[1]);
  return { interval: `${n} ${name}`, days: n * days };
}

/** One partition retention found: detached (or, on a dry run, that would be). */
export interface RetiredPartition {
  log: string;
  partition: string;
  rangeFrom: Date;
  rangeTo: Date;
  detached: boolean;
}

/**
 * Detaches the partitions whose whole month ended at least `period` ago into schema log_archive
 * (`dryRun`: lists them, changes nothing). DETACH takes a brief exclusive lock on the log: it
 * waits at most `lockTimeoutMs` for one, so inserts never queue behind it for long. Needs the
 * tables' owner (the migration user).
 */
export async function detachLogPartitions(sql: Sql, period: RetentionPeriod, options: { dryRun: boolean; lockTimeoutMs?: number }): Promise<RetiredPartition[]> {
  return sql.begin(async (tx) => {
    await tx<{ lockTimeout: unknown | null }[]>`select set_config('lock_timeout', ${String(options.lockTimeoutMs ?? 5000)}::text, true) as lock_timeout`;
    const rows = await tx<{ log: string | null; partitionName: string | null; rangeFrom: Date | null; rangeTo: Date | null; detached: boolean | null }[]>`
      select log, partition_name as "partitionName", range_from as "rangeFrom", range_to as "rangeTo", detached
      from detach_log_partitions(now() - ${period.interval}::interval, ${options.dryRun}::boolean)
    `;
    return rows.map((r) => ({ log: r.log!, partition: r.partitionName!, rangeFrom: r.rangeFrom!, rangeTo: r.rangeTo!, detached: r.detached! }));
  });
}
