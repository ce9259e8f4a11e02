import { badInput } from './errors.js';

/**
 * Input checks shared by every domain. Each names the offending input field in
 * `extensions.field` so a form can highlight it.
 */
export function requiredText(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(`${field} must not be empty`, field);
  if (trimmed.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
  return trimmed;
}

/** Optional text: undefined stays undefined (not given), null or blank becomes null (cleared). */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return requiredText(value, field, max);
}

export function matching(value: string | null | undefined, field: string, pattern: RegExp, format: string) {
  if (value !== null && value !== undefined && !pattern.test(value)) {
    throw badInput(`${field} must be ${format}`, field);
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const email = (value: string | null | undefined, field = 'email') =>
  matching(value?.trim().toLowerCase() ?? value, field, EMAIL, 'a valid email address');

/**
 * A calendar date not after `today` — the organization's today (organizationToday in
 * kernel/organization-time.ts), never the UTC date — and not before `earliest`.
 */
export function pastOrTodayDate(value: string | null | undefined, field: string, today: string, earliest = '1880-01-01') {
  if (value === null || value === undefined) return value;
  if (value > today) throw badInput(`${field} cannot be in the future`, field, { today });
  if (value < earliest) throw badInput(`${field} cannot be before ${earliest}`, field);
  return value;
}

export function notFuture(value: Date | null | undefined, field: string, slackMs = 5 * 60_000) {
  if (value && value.getTime() > Date.now() + slackMs) throw badInput(`${field} cannot be in the future`, field);
  return value;
}

export function intInRange(value: number | null | undefined, field: string, min: number, max: number) {
  if (value === null || value === undefined) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${field} must be a whole number from ${min} to ${max}`, field, { min, max });
  }
  return value;
}

export function numberInRange(value: number | null | undefined, field: string, min: number, max: number) {
  if (value === null || value === undefined) return value;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw badInput(`${field} must be between ${min} and ${max}`, field, { min, max });
  }
  return value;
}

/** A time window `[from, to)`, either end open: refused unless `from` is before `to`. */
export function timeWindow<T extends string | Date>(from: T | null | undefined, to: T | null | undefined, fromField: string, toField: string) {
  if (from != null && to != null && from >= to) throw badInput(`${fromField} must be before ${toField}`, fromField);
  return { from: from ?? null, to: to ?? null };
}

/** A span of days `[from, to]`, either end open: refused when `from` is after `to`. */
export function daySpan(from: string | null | undefined, to: string | null | undefined, fromField: string, toField: string) {
  if (from != null && to != null && from > to) throw badInput(`${fromField} must not be after ${toField}`, fromField);
  return { from: from ?? null, to: to ?? null };
}
