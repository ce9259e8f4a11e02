import { describe, expect, it } from 'vitest';
import { ACTIVE_STATUSES, assertQueueDepartment, assertQueueTransition, EVENT_OF, type OpdQueueStatus } from './opd-queue-rules.js';

const STATUSES: OpdQueueStatus[] = ['WAITING', 'CALLED', 'IN_CONSULTATION', 'DONE', 'LEFT'];
const ALLOWED = new Set(['WAITING→CALLED', 'WAITING→LEFT', 'CALLED→IN_CONSULTATION', 'CALLED→LEFT', 'IN_CONSULTATION→DONE']);
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('the OPD queue life cycle', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    const run = () => assertQueueTransition(from, to);
    if (ALLOWED.has(`${from}→${to}`)) expect(run).not.toThrow();
    else {
      expect(run).toThrow(
        expect.objectContaining({ message: `A queue entry cannot go from ${from} to ${to}`, extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to } }),
      );
    }
  });

  it('counts an entry as in the queue until it is done or left', () => {
    expect(STATUSES.filter((s) => ACTIVE_STATUSES.includes(s))).toEqual(['WAITING', 'CALLED', 'IN_CONSULTATION']);
  });

  it('tells subscribers one distinct event per status, never RESYNC', () => {
    const events = STATUSES.map((s) => EVENT_OF[s]);
    expect(new Set(events).size).toBe(STATUSES.length);
    expect(events).not.toContain('RESYNC');
    expect(EVENT_OF.IN_CONSULTATION).toBe('CONSULTATION_STARTED');
  });
});

describe('queue departments', () => {
  it.each(['OUTPATIENT', 'EMERGENCY', 'LABORATORY', 'RADIOLOGY'])('a %s department runs a queue', (departmentType) => {
    expect(() => assertQueueDepartment({ code: 'D', departmentType })).not.toThrow();
  });

  it.each(['INPATIENT', 'PHARMACY', 'BILLING', 'ADMINISTRATION'])('a %s department runs none', (departmentType) => {
    expect(() => assertQueueDepartment({ code: 'D', departmentType })).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'departmentId', departmentType } }),
    );
  });
});
