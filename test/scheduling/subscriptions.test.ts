import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/app.js';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { queueEvents } from '../../src/scheduling/queue-events.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { collect, createDepartment, createPatients, startSecondInstance, until, wsClient, type SecondInstance } from './helpers.js';

let app: TestApp;
let b: SecondInstance;
let north: TestOrganization;
let south: TestOrganization;
let tokens: Record<Role, string>;
let southTokens: Record<Role, string>;
let northPatients: { id: string; uuid: string }[];
let southPatients: { id: string; uuid: string }[];
let northDept: { id: string; uuid: string };
let southDept: { id: string; uuid: string };
const clients: Client[] = [];

beforeAll(async () => {
  app = await createTestApp();
  b = await startSecondInstance(app);
  north = await createOrganization(app.admin, 'north');
  south = await createOrganization(app.admin, 'south');
  [tokens, southTokens] = await Promise.all([tokensByRole(app, north), tokensByRole(app, south)]);
  northPatients = await createPatients(app, north.id, 10, 'N');
  southPatients = await createPatients(app, south.id, 10, 'S');
  northDept = await createDepartment(app, north.id, 'OPD');
  southDept = await createDepartment(app, south.id, 'OPD');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await b?.close();
  await app.close();
});

const SUBSCRIBE = `subscription($d: ID!) { opdQueueUpdated(departmentId: $d) {
  kind status queueDate entryId department { code } entry { tokenNumber status patient { mrn } calledBy { userId } } } }`;
const WALK_IN = `mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { id tokenNumber } } }`;
const CALL_NEXT = `mutation($d: ID!) { callNextPatient(departmentId: $d) { queueEntry { id tokenNumber } } }`;
const START = `mutation($i: QueueEntryTransitionInput!) { startConsultation(input: $i) { queueEntry { id } } }`;

function client(api: RunningApi, params: Record<string, unknown>) {
  const c = wsClient(api, params);
  clients.push(c);
  return c;
}

const subscribers = (api: RunningApi) => queueEvents(api.deps).subscriberCount();

describe('opdQueueUpdated over WebSocket', () => {
  it('delivers changes made through another API instance, to every instance, and nothing across organizations', async () => {
    const onA = collect(client(app.api, { authorization: `Bearer ${tokens.NURSE}` }), SUBSCRIBE, { d: northDept.id });
    const onB = collect(client(b.api, { authorization: `Bearer ${tokens.FRONT_DESK}` }), SUBSCRIBE, { d: northDept.id });
    const southOnA = collect(client(app.api, { authorization: `Bearer ${southTokens.NURSE}` }), SUBSCRIBE, { d: southDept.id });
    // A client of another organization naming this organization's department is refused, not subscribed.
    const prying = collect(client(app.api, { authorization: `Bearer ${southTokens.ORG_ADMIN}` }), SUBSCRIBE, { d: northDept.id });
    await prying.ended();
    expect(prying.errors).toMatchObject([{ extensions: { code: 'NOT_FOUND' } }]);
    await until(() => subscribers(app.api) === 2 && subscribers(b.api) === 1, 10_000, () => 'subscriptions did not start');

    // Every change is made through instance B.
    const entry = (await b.gql(WALK_IN, { i: { departmentId: northDept.id, patientId: northPatients[0]!.id } }, tokens.FRONT_DESK)).data!
      .enqueueWalkIn.queueEntry;
    const called = (await b.gql(CALL_NEXT, { d: northDept.id }, tokens.PHYSICIAN)).data!.callNextPatient.queueEntry;
    expect(called.id).toBe(entry.id);
    await b.gql(START, { i: { id: entry.id } }, tokens.PHYSICIAN);

    const events = await onA.waitFor(3);
    expect(events.map((e: any) => [e.opdQueueUpdated.kind, e.opdQueueUpdated.status])).toEqual([
      ['ENQUEUED', 'WAITING'], ['CALLED', 'CALLED'], ['CONSULTATION_STARTED', 'IN_CONSULTATION'],
    ]);
    // Each event is re-read when delivered, with the subscriber's permissions.
    expect(events[0].opdQueueUpdated).toMatchObject({ entryId: entry.id, department: { code: 'OPD' }, entry: { tokenNumber: 1, patient: { mrn: 'N-00001' } } });
    expect(events[2].opdQueueUpdated.entry).toMatchObject({ status: 'IN_CONSULTATION', calledBy: { userId: north.users.PHYSICIAN.id } });
    expect(onA.errors).toEqual([]);
    // Instance B's own subscriber gets the same changes.
    expect((await onB.waitFor(3)).map((e: any) => e.opdQueueUpdated.kind)).toEqual(['ENQUEUED', 'CALLED', 'CONSULTATION_STARTED']);

    // The other organization's subscriber saw none of it, yet its subscription is live: its own change arrives.
    await b.gql(WALK_IN, { i: { departmentId: southDept.id, patientId: southPatients[0]!.id } }, southTokens.FRONT_DESK);
    const southEvents = await southOnA.waitFor(1);
    expect(southEvents).toHaveLength(1);
    expect(southEvents[0].opdQueueUpdated).toMatchObject({ kind: 'ENQUEUED', entry: { patient: { mrn: 'S-00001' } } });
    expect(onA.events).toHaveLength(3);
    expect(southOnA.errors).toEqual([]);

    onA.stop();
    onB.stop();
    southOnA.stop();
    await until(() => subscribers(app.api) === 0 && subscribers(b.api) === 0, 10_000, () => 'unsubscribing did not release the subscribers');
  });

  it('delivers only committed changes, and the notification carries ids and status but no patient data', async () => {
    const heard: string[] = [];
    const listener = await app.admin.listen('opd_queue', (payload) => heard.push(payload));
    const watch = collect(client(app.api, { authorization: `Bearer ${tokens.NURSE}` }), SUBSCRIBE, { d: northDept.id });
    await until(() => subscribers(app.api) === 1, 10_000, () => 'subscription did not start');

    await app.admin`alter table audit_log add constraint reject_walk_in check (action <> 'opd_queue.enqueue') not valid`;
    try {
      const failed = await b.gql(WALK_IN, { i: { departmentId: northDept.id, patientId: northPatients[1]!.id } }, tokens.FRONT_DESK);
      expect(failed.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_walk_in`;
    }
    const committed = (await b.gql(WALK_IN, { i: { departmentId: northDept.id, patientId: northPatients[2]!.id } }, tokens.FRONT_DESK))
      .data!.enqueueWalkIn.queueEntry;
    // A later committed change marks the end: notices arrive in commit order on one connection, so one sent
    // by the failed walk-in would have come before it.
    const marker = (await b.gql(WALK_IN, { i: { departmentId: northDept.id, patientId: northPatients[4]!.id } }, tokens.FRONT_DESK))
      .data!.enqueueWalkIn.queueEntry;
    const [event] = await watch.waitFor(2);
    expect(watch.events.map((e: any) => e.opdQueueUpdated.entryId)).toEqual([committed.id, marker.id]);
    expect(event.opdQueueUpdated).toMatchObject({ kind: 'ENQUEUED', entryId: committed.id, entry: { tokenNumber: 2 } });

    await until(() => heard.length >= 2, 10_000, () => `heard ${heard.length} notifications, expected 2`);
    await listener.unlisten();
    expect(heard).toHaveLength(2);
    expect(JSON.parse(heard[1]!)).toMatchObject({ o: north.id, d: northDept.uuid, k: 'ENQUEUED', s: 'WAITING' });
    const payload = JSON.parse(heard[0]!);
    expect(Object.keys(payload).sort()).toEqual(['d', 'e', 'k', 'o', 'q', 's']);
    expect(payload).toMatchObject({ o: north.id, d: northDept.uuid, k: 'ENQUEUED', s: 'WAITING' });
    expect(heard[0]).not.toMatch(/N-0000|Patient|Amina|Baraka|Chebet/);
    watch.stop();
  });

  it('refuses a connection without a token or with a bad one, and a subscriber without SCHEDULING_READ', async () => {
    const closeCode = (c: ReturnType<typeof collect>) => (c.errors[0] as { code?: number } | undefined)?.code;
    const anonymous = collect(client(app.api, {}), SUBSCRIBE, { d: northDept.id });
    await anonymous.ended();
    expect(closeCode(anonymous)).toBe(4401);
    const forged = collect(client(app.api, { authorization: 'Bearer not-a-token' }), SUBSCRIBE, { d: northDept.id });
    await forged.ended();
    expect(closeCode(forged)).toBe(4401);
    const billing = collect(client(app.api, { authorization: `Bearer ${tokens.BILLING}` }), SUBSCRIBE, { d: northDept.id });
    await billing.ended();
    expect(billing.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    const mutation = collect(client(app.api, { authorization: `Bearer ${tokens.NURSE}` }), CALL_NEXT, { d: northDept.id });
    await mutation.ended();
    expect(JSON.stringify(mutation.errors)).toMatch(/Only subscriptions/);
    expect(subscribers(app.api)).toBe(0);
  });

  it('re-authorizes every event: a subscriber who loses SCHEDULING_READ gets FORBIDDEN once and the stream ends', async () => {
    const watch = collect(client(app.api, { authorization: `Bearer ${tokens.ANALYST}` }), SUBSCRIBE, { d: northDept.id });
    await until(() => subscribers(app.api) === 1, 10_000, () => 'subscription did not start');
    const revoke = await app.gql(`mutation($i: UserRoleInput!) { revokeRole(input: $i) { user { roles } } }`,
      { i: { userId: north.users.ANALYST.id, role: 'ANALYST' } }, tokens.ORG_ADMIN);
    expect(revoke.data?.revokeRole.user.roles).toEqual([]);
    await b.gql(WALK_IN, { i: { departmentId: northDept.id, patientId: northPatients[3]!.id } }, tokens.FRONT_DESK);
    await watch.ended();
    await until(() => watch.completed, 20_000, () => 'the stream did not end');
    expect(watch.events).toEqual([]);
    expect(watch.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    await until(() => subscribers(app.api) === 0, 20_000, () => 'the subscriber was not released');
  });
});
