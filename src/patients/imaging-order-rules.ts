import { badInput } from '../kernel/errors.js';

export type ImagingOrderStatus = 'ORDERED' | 'SCHEDULED' | 'IN_PROGRESS' | 'COMPLETED' | 'REPORTED' | 'CANCELLED';

/**
 * The imaging order life cycle: the only place that says which status may
 * follow which. A report may be filed at any point before it exists (a
 * bedside examination is reported without being scheduled).
 */
const NEXT: Record<ImagingOrderStatus, readonly ImagingOrderStatus[]> = {
  ORDERED: ['SCHEDULED', 'IN_PROGRESS', 'REPORTED', 'CANCELLED'],
  SCHEDULED: ['IN_PROGRESS', 'REPORTED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'REPORTED', 'CANCELLED'],
  COMPLETED: ['REPORTED'],
  REPORTED: [],
  CANCELLED: [],
};

export function assertImagingTransition(from: string, to: ImagingOrderStatus, field = 'id'): void {
  if (!(NEXT[from as ImagingOrderStatus] ?? []).includes(to)) {
    throw badInput(`An imaging order cannot go from ${from} to ${to}`, field, { from, to });
  }
}
