import { badInput } from '../kernel/errors.js';

export type EncounterStatus = 'PLANNED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';

/** The encounter life cycle: the only place that says which status may follow which. */
const NEXT: Record<EncounterStatus, readonly EncounterStatus[]> = {
  PLANNED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

export function assertEncounterTransition(from: string, to: EncounterStatus): void {
  if (!(NEXT[from as EncounterStatus] ?? []).includes(to)) {
    throw badInput(`An encounter cannot go from ${from} to ${to}`, 'id', { from, to });
  }
}
