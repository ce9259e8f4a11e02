import { describe, expect, it } from 'vitest';
import { organizationDayBounds, organizationToday } from './organization-time.js';

describe('organization time', () => {
  it('gives the organization its own date, not the UTC date', () => {
    const lateEveningInNewYork = new Date('2026-03-02T03:30:00Z'); // 22:30 on 1 March in New York
    expect(organizationToday('America/New_York', lateEveningInNewYork)).toBe('2026-03-01');
    expect(organizationToday('UTC', lateEveningInNewYork)).toBe('2026-03-02');
    expect(organizationToday('Pacific/Kiritimati', new Date('2026-03-01T11:00:00Z'))).toBe('2026-03-02');
  });

  it('bounds a plain day at local midnight', () => {
    const { start, end } = organizationDayBounds('America/Chicago', '2026-01-15');
    expect(start.toISOString()).toBe('2026-01-15T06:00:00.000Z');
    expect(end.toISOString()).toBe('2026-01-16T06:00:00.000Z');
  });

  it('bounds DST days with 23 and 25 hours', () => {
    const spring = organizationDayBounds('America/New_York', '2026-03-08');
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
    const autumn = organizationDayBounds('America/New_York', '2026-11-01');
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(25);
    expect(autumn.start.toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });

  it('starts a day whose midnight DST skipped at the first local instant', () => {
    // Santiago skips 00:00–01:00 on its spring-forward day.
    const { start } = organizationDayBounds('America/Santiago', '2026-09-06');
    expect(organizationToday('America/Santiago', start)).toBe('2026-09-06');
    expect(organizationToday('America/Santiago', new Date(start.getTime() - 1))).toBe('2026-09-05');
  });

  it('uses UTC for UTC organizations', () => {
    expect(organizationDayBounds('UTC', '2026-12-03')).toEqual({
      start: new Date('2026-12-03T00:00:00Z'),
      end: new Date('2026-12-04T00:00:00Z'),
    });
  });
});
