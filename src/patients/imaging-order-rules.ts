import { badInput } from '../kernel/errors.js';

export type ImagingOrderStatus = 'ORDERED' | 'SCHEDULED' | 'IN_PROGRESS' | 'COMPLETED' | 'REPORTED' | 'CANCELLED';

/**
 * The imaging order life cycle: the only place that says which status may
 * follow which. A report is filed only on acquired images (COMPLETED); a
 * bedside examination is acquired without being scheduled.
 */
const NEXT: Record<ImagingOrderStatus, readonly ImagingOrderStatus[]> = {
  ORDERED: ['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  SCHEDULED: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: ['REPORTED'],
  REPORTED: [],
  CANCELLED: [],
};

export function assertImagingTransition(from: string, to: ImagingOrderStatus, field = 'id'): void {
  if (to === 'REPORTED' && from !== 'COMPLETED' && from !== 'REPORTED' && from !== 'CANCELLED') {
    throw badInput(`An imaging order is reported only after its images are acquired (COMPLETED); it is ${from}: record the acquisition first`, field, { from, to });
  }
  if (!(NEXT[from as ImagingOrderStatus] ?? []).includes(to)) {
    throw badInput(`An imaging order cannot go from ${from} to ${to}`, field, { from, to });
  }
}

/** The contrast-medium class an examination with contrast checks allergies against (MRI: gadolinium; ultrasound: none). */
export function contrastClassOf(modality: string): string | null {
  if (modality === 'MRI') return 'GADOLINIUM_CONTRAST';
  if (modality === 'ULTRASOUND') return null;
  return 'IODINATED_CONTRAST';
}
