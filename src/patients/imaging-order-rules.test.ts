import { describe, expect, it } from 'vitest';
import { assertImagingTransition, type ImagingOrderStatus } from './imaging-order-rules.js';

const STATUSES: ImagingOrderStatus[] = ['ORDERED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'REPORTED', 'CANCELLED'];
const ALLOWED = new Set([
  'ORDERED→SCHEDULED',
  'ORDERED→IN_PROGRESS',
  'ORDERED→REPORTED',
  'ORDERED→CANCELLED',
  'SCHEDULED→IN_PROGRESS',
  'SCHEDULED→REPORTED',
  'SCHEDULED→CANCELLED',
  'IN_PROGRESS→COMPLETED',
  'IN_PROGRESS→REPORTED',
  'IN_PROGRESS→CANCELLED',
  'COMPLETED→REPORTED',
]);
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('assertImagingTransition', () => {
  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}→${to}`)))('allows %s → %s', (from, to) => {
    expect(() => assertImagingTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}→${to}`)))('refuses %s → %s', (from, to) => {
    expect(() => assertImagingTransition(from, to)).toThrow(
      expect.objectContaining({
        message: `An imaging order cannot go from ${from} to ${to}`,
        extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to },
      }),
    );
  });

  it('files a report at any point before one exists, but only once', () => {
    for (const from of ['ORDERED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED']) {
      expect(() => assertImagingTransition(from, 'REPORTED')).not.toThrow();
    }
    expect(() => assertImagingTransition('REPORTED', 'REPORTED', 'imagingOrderId')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'imagingOrderId' }) }),
    );
  });
});
