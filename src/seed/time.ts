/** Time helpers of the seeder: epoch milliseconds, UTC day numbers and organization-local wall clock. */
import { zoneFormatter, zoneOffsetAt } from '../kernel/organization-time.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const HH_MM: string[] = Array.from({ length: 24 * 60 }, (_, m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`);
const dates = new Map<number, string>();

/**
 * ISO-8601 timestamp (UTC) for COPY into timestamptz, e.g. `2026-11-25T07:30Z`
 * (seconds and milliseconds only when not zero). Much cheaper than
 * Date#toISOString, which dominated the generator's profile.
 */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let rest = ms - day * DAY;
  const minute = Math.floor(rest / MINUTE);
  rest -= minute * MINUTE;
  const head = `${isoDate(day)}T${HH_MM[minute]!}`;
  if (rest === 0) return `${head}Z`;
  const seconds = Math.floor(rest / 1000);
  const millis = Math.round(rest - seconds * 1000);
  return millis === 0 ? `${head}:${pad2(seconds)}Z` : `${head}:${pad2(seconds)}.${String(millis).padStart(3, '0')}Z`;
}

/** `YYYY-MM-DD` of a UTC day number (days since 1970-01-01). */
export function isoDate(day: number): string {
  let text = dates.get(day);
  if (text === undefined) {
    text = new Date(day * DAY).toISOString().slice(0, 10);
    dates.set(day, text);
  }
  return text;
}

/** Age in completed years on `day` of someone born on `birthDay` (day numbers), as PostgreSQL's age() counts it. */
export function ageInYears(birthDay: number, day: number): number {
  const birth = new Date(birthDay * DAY);
  const on = new Date(day * DAY);
  let years = on.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < birth.getUTCMonth() ||
    (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) years -= 1;
  return Math.max(0, years);
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (day + 4) % 7; // 1970-01-01 was a Thursday
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

export function dayFromDate(year: number, month: number, date: number): number {
  return Math.floor(Date.UTC(year, month - 1, date) / DAY);
}

/** Converts organization-local wall-clock times to UTC, honouring the zone's offsets (DST included). */
export class ZoneClock {
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.format = zoneFormatter(timeZone);
  }

  /** Local-minus-UTC offset in ms at an instant. */
  offsetAt(ms: number): number {
    return zoneOffsetAt(this.format, ms);
  }

  /** UTC instant of local `minuteOfDay` on local calendar day `day` (a day number). */
  at(day: number, minuteOfDay: number): number {
    let offset = this.offsets.get(day);
    if (offset === undefined) {
      offset = this.offsetAt(day * DAY + 12 * HOUR);
      this.offsets.set(day, offset);
    }
    return day * DAY + minuteOfDay * MINUTE - offset;
  }

  /** Local calendar day number of an instant. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY);
  }

  /** Minutes since local midnight of an instant. */
  localMinuteOfDay(ms: number): number {
    const local = ms + this.offsetAt(ms);
    return Math.floor((local - Math.floor(local / DAY) * DAY) / MINUTE);
  }
}
