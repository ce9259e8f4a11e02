/**
 * The organization's calendar: "today" and the instants a local day spans, in the organization's IANA
 * timezone (`organizations.timezone`). Every clinical date check (dates of birth, onset dates, default
 * start dates) goes through here, so a clinic in Honolulu at 20:00 does not see tomorrow's UTC date.
 */

/**
 * A formatter of the zone's wall clock (no cache: the kernel keeps no module-level mutable state; a caller
 * converting many instants of one zone, such as the seeder, keeps its own).
 */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(zone: Intl.DateTimeFormat, at: Date): WallClock {
  const parts = zone.formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute'), second: get('second') };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The organization's calendar date at `now`, as YYYY-MM-DD. */
export function organizationToday(timeZone: string, now: Date): string {
  const { year, month, day } = wallClock(zoneFormatter(timeZone), now);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Local-minus-UTC offset in milliseconds at an instant, in the zone `zone` formats (see zoneFormatter). */
export function zoneOffsetAt(zone: Intl.DateTimeFormat, ms: number): number {
  const w = wallClock(zone, new Date(ms));
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The UTC instant at which local wall-clock midnight of `date` begins (DST-aware; a skipped midnight moves to the first valid instant). */
function localMidnight(timeZone: string, date: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Two passes settle the offset even when midnight is near a DST change.
  const zone = zoneFormatter(timeZone);
  let guess = wall - zoneOffsetAt(zone, wall);
  guess = wall - zoneOffsetAt(zone, guess);
  // A midnight that DST skipped: the day begins at the first instant that is on that local date.
  if (organizationToday(timeZone, new Date(guess)) < date) guess += 3_600_000;
  return new Date(guess);
}

/** The instants a local calendar day spans: `start` inclusive, `end` exclusive (23, 24 or 25 hours long). */
export function organizationDayBounds(timeZone: string, date: string): { start: Date; end: Date } {
  const start = localMidnight(timeZone, date);
  const next = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + 1));
  return { start, end: localMidnight(timeZone, next.toISOString().slice(0, 10)) };
}

/** True when the zone is one this runtime knows (organizations store IANA names). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
