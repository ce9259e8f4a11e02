import { describe, expect, it } from 'vitest';
import { AccessLogBatches, type AccessRow, type AccessTurn } from './access-log.js';

const row = (organizationId: string, requestId: string): AccessRow => ({
  organizationId,
  userId: null,
  requestId,
  patientIds: [],
  operationName: null,
});

function asCarrier(turn: AccessTurn) {
  if (turn.kind !== 'carrier') throw new Error(`expected a carrier, got a ${turn.kind}`);
  return turn;
}
function asPassenger(turn: AccessTurn) {
  if (turn.kind !== 'passenger') throw new Error(`expected a passenger, got a ${turn.kind}`);
  return turn;
}
const requestIds = async (turn: ReturnType<typeof asCarrier>) => (await turn.rows).map((r) => r.requestId);

/** Whether `promise` has settled by the time queued microtasks ran. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('AccessLogBatches', () => {
  it('lets a request alone carry its own row at once', async () => {
    const carried: number[] = [];
    const batches = new AccessLogBatches((n) => carried.push(n));
    const turn = asCarrier(batches.join(row('org', 'a')));
    expect(await requestIds(turn)).toEqual(['a']);
    turn.settle(true);
    expect(carried).toEqual([1]);
    // Nothing in flight any more: the next request carries its own row at once too.
    expect(await requestIds(asCarrier(batches.join(row('org', 'b'))))).toEqual(['b']);
  });

  it('boards rows that arrive during a flight onto the next carrier, which departs when the flight lands', async () => {
    const carried: number[] = [];
    const batches = new AccessLogBatches((n) => carried.push(n));
    const first = asCarrier(batches.join(row('org', 'a')));
    const next = asCarrier(batches.join(row('org', 'b')));
    const c = asPassenger(batches.join(row('org', 'c')));
    const d = asPassenger(batches.join(row('org', 'd')));
    expect(batches.boarded('org')).toBe(3);
    expect(await settledYet(next.rows)).toBe(false);

    first.settle(true);
    expect(await requestIds(next)).toEqual(['b', 'c', 'd']);
    expect(batches.boarded('org')).toBe(0);
    // A row arriving now boards the carrier after `next`.
    const after = asCarrier(batches.join(row('org', 'e')));
    expect(await settledYet(c.recorded)).toBe(false);

    next.settle(true);
    expect([await c.recorded, await d.recorded]).toEqual([true, true]);
    expect(await requestIds(after)).toEqual(['e']);
    after.settle(true);
    expect(carried).toEqual([1, 3, 1]);
  });

  it('tells passengers when their carrier failed, and still lets the next carrier fly', async () => {
    const batches = new AccessLogBatches();
    const first = asCarrier(batches.join(row('org', 'a')));
    const next = asCarrier(batches.join(row('org', 'b')));
    const c = asPassenger(batches.join(row('org', 'c')));
    first.settle(false);
    await next.rows;
    const e = asCarrier(batches.join(row('org', 'e')));
    next.settle(false);
    expect(await c.recorded).toBe(false);
    expect(await requestIds(e)).toEqual(['e']);
    // A second settle changes nothing.
    next.settle(true);
    e.settle(true);
    expect(batches.boarded('org')).toBe(0);
  });

  it('never groups rows of two organizations', async () => {
    const batches = new AccessLogBatches();
    const north = asCarrier(batches.join(row('north', 'a')));
    const south = asCarrier(batches.join(row('south', 'b')));
    expect(await requestIds(south)).toEqual(['b']);
    const northNext = asCarrier(batches.join(row('north', 'c')));
    const southNext = asCarrier(batches.join(row('south', 'd')));
    const southPassenger = asPassenger(batches.join(row('south', 'e')));
    expect([batches.boarded('north'), batches.boarded('south')]).toEqual([1, 2]);
    south.settle(true);
    expect(await requestIds(southNext)).toEqual(['d', 'e']);
    expect(await settledYet(northNext.rows)).toBe(false);
    north.settle(true);
    expect(await requestIds(northNext)).toEqual(['c']);
    southNext.settle(true);
    expect(await southPassenger.recorded).toBe(true);
  });
});
