import { badInput, conflict } from '../kernel/errors.js';

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

/** Statuses after which an encounter is closed: new records go into it only as late entries, with a reason. */
export const CLOSED_STATUSES: readonly EncounterStatus[] = ['COMPLETED', 'CANCELLED'];

export const isClosedEncounter = (status: string) => (CLOSED_STATUSES as readonly string[]).includes(status);

/** Extension `reason` of a write refused because its encounter is closed. */
export const ENCOUNTER_CLOSED = 'ENCOUNTER_CLOSED';

export function encounterClosed(encounter: { id: string; status: string }) {
  return conflict(
    `The encounter is ${encounter.status}: a record added to it now is a late entry; pass lateEntryReason to say why, or leave encounterId out`,
    { field: 'encounterId', reason: ENCOUNTER_CLOSED, encounterStatus: encounter.status },
  );
}

/** Extension `reason` of a completion refused because notes of the encounter are still unsigned. */
export const UNSIGNED_NOTES = 'UNSIGNED_NOTES';

/** Completion waits for the encounter's notes to be signed, unless the clinician says why they are signed later. */
export function assertNotesSigned(draftNoteIds: readonly string[], draftNotesReason: string | null): void {
  if (draftNoteIds.length > 0 && !draftNotesReason) {
    throw conflict(
      `The encounter has ${draftNoteIds.length} unsigned (DRAFT) note(s): sign them before completing it, or pass draftNotesReason to complete it now and sign them afterwards`,
      { field: 'id', reason: UNSIGNED_NOTES, draftNoteCount: draftNoteIds.length },
    );
  }
}

/** Clock skew tolerated when an encounter's time must not be in the future. */
export const ENCOUNTER_CLOCK_SKEW_MS = 5 * 60_000;
/** How far ahead a planned encounter (one with scheduledAt) may be planned. */
export const PLANNED_HORIZON_MS = 2 * 366 * 24 * 60 * 60_000;

/**
 * When an encounter happens: not in the future (beyond a few minutes of clock skew) unless it is planned — it
 * has a scheduledAt and happens then — and even planned, not more than two years ahead. (Not before the date of
 * birth is checked with the patient's record: patient-life-rules.)
 */
export function assertEncounterTime(encounterAt: Date, scheduledAt: Date | null, now = new Date()): void {
  const ahead = encounterAt.getTime() - now.getTime();
  if (ahead <= ENCOUNTER_CLOCK_SKEW_MS) return;
  const field = scheduledAt ? 'scheduledAt' : 'encounterAt';
  if (!scheduledAt || scheduledAt.getTime() !== encounterAt.getTime()) {
    throw badInput(
      `${field} ${encounterAt.toISOString()} is in the future: only a planned encounter (scheduledAt given, encounterAt omitted or equal to it) can be`,
      'encounterAt',
    );
  }
  if (ahead > PLANNED_HORIZON_MS) throw badInput('An encounter can be planned at most two years ahead', 'scheduledAt');
}
