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

/**
 * Department types that run an OPD queue: the clinical services patients wait in line for (outpatient clinics,
 * emergency, laboratory sample collection, imaging). Wards admit rather than queue; pharmacy, billing and
 * administration see no patients clinically.
 */
export const QUEUE_DEPARTMENT_TYPES: readonly string[] = ['OUTPATIENT', 'EMERGENCY', 'LABORATORY', 'RADIOLOGY'];

export function assertQueueDepartment(department: { code: string; departmentType: string }, field = 'departmentId'): void {
  if (!QUEUE_DEPARTMENT_TYPES.includes(department.departmentType)) {
    throw badInput(
      `Department ${department.code} is a ${department.departmentType} department and runs no patient queue; choose a ${QUEUE_DEPARTMENT_TYPES.join(', ')} department`,
      field,
      { departmentType: department.departmentType },
    );
  }
}
