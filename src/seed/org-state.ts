/** What the patient generator of one organization carries from patient to patient: counters, calendars, samples. */
import type { Rng } from './random.js';
import type { OrgContext } from './setup.js';
import { isWeekend } from './time.js';

/** Appointment slots: 18 half-hour slots (08:00–17:00 local) on each weekday of a window, per physician. */
export class SlotBook {
  static readonly PER_DAY = 18;
  private readonly used: Uint8Array[];

  constructor(
    readonly days: readonly number[],
    providers: number,
  ) {
    this.used = Array.from({ length: providers }, () => new Uint8Array(days.length * SlotBook.PER_DAY));
  }

  /**
   * A free slot of the provider on a day in [minDay, maxDay], or null when
   * none is left: [day number, local minute of day].
   */
  take(rng: Rng, provider: number, minDay: number, maxDay: number): [number, number] | null {
    const used = this.used[provider]!;
    const lo = firstIndexAtLeast(this.days, minDay) * SlotBook.PER_DAY;
    const hi = firstIndexAtLeast(this.days, maxDay + 1) * SlotBook.PER_DAY;
    const n = hi - lo;
    if (n <= 0) return null;
    const start = rng.int(n);
    for (let k = 0; k < n; k++) {
      const slot = lo + ((start + k) % n);
      if (used[slot] === 0) {
        used[slot] = 1;
        return [this.days[Math.floor(slot / SlotBook.PER_DAY)]!, 8 * 60 + (slot % SlotBook.PER_DAY) * 30];
      }
    }
    return null;
  }

  static weekdays(fromDay: number, toDay: number): number[] {
    // (sorted ascending, as take() requires)
    const days: number[] = [];
    for (let d = fromDay; d <= toDay; d++) if (!isWeekend(d)) days.push(d);
    return days;
  }
}

function firstIndexAtLeast(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface OrgState {
  ctx: OrgContext;
  rng: Rng;
  /** UTC day number of "today" (the anchor all dates are relative to). */
  anchorDay: number;
  nowMs: number;
  bodySystems: ReadonlyMap<string, string>;
  pastSlots: SlotBook;
  futureSlots: SlotBook;
  nextMrn: number;
  nextInvoiceSeq: number;
  labInstances: number;
  activeLabInstances: number;
  /** A sample of the organization's patients (for today's outpatient queue). */
  queueCandidates: { id: string; age: number; active: boolean }[];
  generated: number;
}
