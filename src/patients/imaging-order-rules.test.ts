import { describe, expect, it } from 'vitest';
import { assertImagingTransition, type ImagingOrderStatus } from './imaging-order-rules.js';

const STATUSES: ImagingOrderStatus[] = ['ORDERED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'REPORTED', 'CANCELLED'];
// Issue 20 (finding 6): a report needs acquired images (COMPLETED); acquisition may follow any earlier state.
const ALLOWED = new Set([
  'ORDERED→SCHEDULED',
  'ORDERED→IN_PROGRESS',
  'ORDERED→COMPLETED',
  'ORDERED→CANCELLED',
  'SCHEDULED→IN_PROGRESS',
  'SCHEDULED→COMPLETED',
  'SCHEDULED→CANCELLED',
  'IN_PROGRESS→COMPLETED',
  'IN_PROGRESS→CANCELLED',
  'COMPLETED→REPORTED',
]);
const BEFORE_ACQUISITION = new Set(['ORDERED', 'SCHEDULED', 'IN_PROGRESS']);
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('assertImagingTransition', () => {
  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}→${to}`)))('allows %s → %s', (from, to) => {
    expect(() => assertImagingTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}→${to}`)))('refuses %s → %s', (from, to) => {
    const message =
      to === 'REPORTED' && BEFORE_ACQUISITION.has(from)
        ? `An imaging order is reported only after its images are acquired (COMPLETED); it is ${from}: record the acquisition first`
        : `An imaging order cannot go from ${from} to ${to}`;
    expect(() => assertImagingTransition(from, to)).toThrow(
      expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to } }),
    );
  });

  it('files a report only on acquired images, and only once', () => {
    expect(() => assertImagingTransition('COMPLETED', 'REPORTED')).not.toThrow();
    for (const from of BEFORE_ACQUISITION) {
      expect(() => assertImagingTransition(from, 'REPORTED')).toThrow(/only after its images are acquired/);
    }
    expect(() => assertImagingTransition('REPORTED', 'REPORTED', 'imagingOrderId')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'imagingOrderId' }) }),
    );
  });
});
