import { badInput } from '../kernel/errors.js';

/**
 * Ranges of the compliance queries. `from` is inclusive, `to` exclusive; a
 * range that ends before it starts is refused rather than answered empty.
 */
export interface InstantRange {
  from: Date | null;
  to: Date | null;
}

/** HIPAA §164.528: an accounting covers disclosures in the six years before the request. */
export const ACCOUNTING_PERIOD_YEARS = 6;
/** Entries one export may hold; a busier range is narrowed by the caller (the file is returned inline). */
export const MAX_EXPORT_ENTRIES = 10_000;

/** ISO text of a range's bounds for the repositories; BAD_USER_INPUT naming `fromField` when from > to. */
export function isoRange(range: InstantRange, fromField: string): { from: string | null; to: string | null } {
  if (range.from && range.to && range.from.getTime() > range.to.getTime()) {
    throw badInput(`${fromField} must not be after the end of the range`, fromField);
  }
  return { from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null };
}

/** The closed range of an accounting: `to` defaults to now, `from` to ACCOUNTING_PERIOD_YEARS before `to`. */
export function accountingRange(range: InstantRange, now: Date): { from: Date; to: Date } {
  const to = range.to ?? now;
  const from = range.from ?? new Date(Date.UTC(to.getUTCFullYear() - ACCOUNTING_PERIOD_YEARS, to.getUTCMonth(), to.getUTCDate(),
    to.getUTCHours(), to.getUTCMinutes(), to.getUTCSeconds(), to.getUTCMilliseconds()));
  isoRange({ from, to }, 'from');
  return { from, to };
}

/** Names of the fields an audit row's change recorded (`before`/`after` keys), without their values. */
export function changedFieldNames(changes: Record<string, unknown> | null): string[] | null {
  if (!changes) return null;
  const keys = new Set<string>();
  for (const side of [changes.before, changes.after]) {
    if (side && typeof side === 'object' && !Array.isArray(side)) for (const key of Object.keys(side)) keys.add(key);
  }
  return [...keys].sort();
}
