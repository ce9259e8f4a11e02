import type { TenantContext } from '../context.js';
import { badInput } from '../kernel/errors.js';
import { organizationClock } from './invoice-repository.js';
import * as reports from './report-repository.js';

/** Longest revenue range: ten years of days. */
export const MAX_REPORT_DAYS = 3660;

const BUCKETS = ['DAYS_0_30', 'DAYS_31_60', 'DAYS_61_90', 'DAYS_OVER_90'] as const;

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);

function label(groupBy: reports.RevenueGrouping, row: reports.RevenueRowData): string {
  switch (groupBy) {
    case 'DAY':
      return row.key;
    case 'WEEK':
      return `Week of ${row.key}`;
    case 'MONTH':
      return row.key.slice(0, 7);
    case 'SERVICE':
      return row.name ?? 'Lines without a catalog item';
    case 'DEPARTMENT':
      return row.name ?? 'No department';
    default:
      return row.key;
  }
}

/**
 * Revenue of [from, to] (inclusive days, organization time zone), aggregated
 * in SQL in its own transaction under QUERY_TIMEOUT_LONG_MS; a statement past
 * it fails with TIMEOUT.
 */
export async function revenueReport(ctx: TenantContext, from: string, to: string, groupBy: reports.RevenueGrouping) {
  if (from > to) throw badInput('from must not be after to', 'from');
  if (dayNumber(to) - dayNumber(from) >= MAX_REPORT_DAYS) {
    throw badInput(`The range may span at most ${MAX_REPORT_DAYS} days`, 'to', { max: MAX_REPORT_DAYS });
  }
  return ctx.session.readLong(async (tx) => {
    const org = ctx.session.scope.organizationId;
    const { timezone } = await organizationClock(tx, org);
    const currency = await reports.billingCurrency(tx, org);
    const rows = await reports.revenueRows(tx, org, timezone, from, to, groupBy);
    const totals = await reports.revenueTotals(tx, org, timezone, from, to);
    return { from, to, groupBy, timezone, currency, rows: rows.map((r) => ({ ...r, label: label(groupBy, r) })), totals };
  });
}

/** Receivables by age on `asOf` (default today), aggregated in SQL under QUERY_TIMEOUT_LONG_MS. */
export async function receivablesAging(ctx: TenantContext, asOf: string | null) {
  return ctx.session.readLong(async (tx) => {
    const org = ctx.session.scope.organizationId;
    const { timezone, today } = await organizationClock(tx, org);
    const day = asOf ?? today;
    const currency = await reports.billingCurrency(tx, org);
    const rows = await reports.agingRows(tx, org, timezone, day);
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    const all = byBucket.get('TOTAL');
    return {
      asOf: day,
      currency,
      buckets: BUCKETS.map((bucket) => ({
        bucket,
        invoiceCount: byBucket.get(bucket)?.invoiceCount ?? 0,
        amount: byBucket.get(bucket)?.amount ?? '0.00',
      })),
      invoiceCount: all?.invoiceCount ?? 0,
      total: all?.amount ?? '0.00',
    };
  });
}
