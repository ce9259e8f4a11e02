import { badInput } from '../kernel/errors.js';
import { pastOrTodayDate } from '../kernel/validation.js';

export type ProblemStatus = 'ACTIVE' | 'RESOLVED' | 'INACTIVE';

/** The problem life cycle: the only place that says which status may follow which. */
const NEXT: Record<ProblemStatus, readonly ProblemStatus[]> = {
  ACTIVE: ['RESOLVED'],
  RESOLVED: [],
  INACTIVE: [],
};

export function assertProblemTransition(from: string, to: ProblemStatus): void {
  if (!(NEXT[from as ProblemStatus] ?? []).includes(to)) {
    throw badInput(`A problem cannot go from ${from} to ${to}`, 'id', { from, to });
  }
}

/** The day a problem resolved: the organization's today when not given, never in the future nor before its onset. */
export function resolutionDate(onsetDate: string | null, resolvedDate: string | null | undefined, today: string): string {
  const day = pastOrTodayDate(resolvedDate, 'resolvedDate', today) ?? today;
  if (onsetDate && day < onsetDate) {
    throw badInput(`resolvedDate cannot be before the onset date ${onsetDate}`, 'resolvedDate', { onsetDate });
  }
  return day;
}
