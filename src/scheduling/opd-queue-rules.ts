import { badInput } from '../kernel/errors.js';

export type OpdQueueStatus = 'WAITING' | 'CALLED' | 'IN_CONSULTATION' | 'DONE' | 'LEFT';
export type OpdQueueEventKind = 'ENQUEUED' | 'CALLED' | 'CONSULTATION_STARTED' | 'COMPLETED' | 'LEFT' | 'RESYNC';

/**
 * The OPD queue entry life cycle: WAITING → CALLED → IN_CONSULTATION → DONE,
 * or LEFT while WAITING or CALLED. (WAITING → CALLED happens only through
 * callNextPatient, which picks the entry itself.)
 */
const NEXT: Record<OpdQueueStatus, readonly OpdQueueStatus[]> = {
  WAITING: ['CALLED', 'LEFT'],
  CALLED: ['IN_CONSULTATION', 'LEFT'],
  IN_CONSULTATION: ['DONE'],
  DONE: [],
  LEFT: [],
};

/** Statuses in which a patient still occupies a place in the queue. */
export const ACTIVE_STATUSES: readonly OpdQueueStatus[] = ['WAITING', 'CALLED', 'IN_CONSULTATION'];

/** What subscribers are told for each status an entry moves to. */
export const EVENT_OF: Record<OpdQueueStatus, Exclude<OpdQueueEventKind, 'RESYNC'>> = {
  WAITING: 'ENQUEUED',
  CALLED: 'CALLED',
  IN_CONSULTATION: 'CONSULTATION_STARTED',
  DONE: 'COMPLETED',
  LEFT: 'LEFT',
};

/** Minutes assumed per consultation before any is completed that day. */
export const DEFAULT_CONSULTATION_MINUTES = 10;

export function assertQueueTransition(from: string, to: OpdQueueStatus): void {
  if (!(NEXT[from as OpdQueueStatus] ?? []).includes(to)) {
    throw badInput(`A queue entry cannot go from ${from} to ${to}`, 'id', { from, to });
  }
}
