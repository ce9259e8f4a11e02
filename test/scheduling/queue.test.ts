import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createDepartment, createPatients, inMinutes, zoneWithLocalHour } from './helpers.js';
import { expectData } from '../helpers/expect-data.js';

let app: TestApp;
let north: TestOrganization;
let tokens: Record<Role, string>;
let patients: { id: string; uuid: string }[];
// Early morning in the organization's zone: appointments booked a few hours ahead are still today's, and
// check-in happens only on the appointment's own day.
const ZONE = zoneWithLocalHour(2);

beforeAll(async () => {
  app = await createTestApp({ DATABASE_MAX_CONNECTIONS: '20' });
  north = await createOrganization(app.admin, 'north');
  await app.admin`update organizations set timezone = ${ZONE} where id = ${north.id}`;
  tokens = await tokensByRole(app, north);
  patients = await createPatients(app, north.id, 60, 'Q');
});
afterAll(() => app.close());

const ENTRY = `id entryId tokenNumber status priority position estimatedWaitMinutes queueDate version
  patient { patientId } calledBy { userId } appointment { status }`;
const WALK_IN = `mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { ${ENTRY} } } }`;
const CALL_NEXT = `mutation($d: ID!) { callNextPatient(departmentId: $d) { queueEntry { ${ENTRY} } } }`;
const START = `mutation($i: QueueEntryTransitionInput!) { startConsultation(input: $i) { queueEntry { ${ENTRY} } } }`;
const COMPLETE = `mutation($i: QueueEntryTransitionInput!) { completeQueueEntry(input: $i) { queueEntry { ${ENTRY} } } }`;
const LEFT = `mutation($i: QueueEntryTransitionInput!) { markLeft(input: $i) { queueEntry { ${ENTRY} } } }`;
const QUEUE = `query($d: ID!, $first: Int, $after: String, $status: [OpdQueueStatus!]) {
  opdQueue(departmentId: $d, first: $first, after: $after, status: $status) {
    totalCount edges { node { tokenNumber status priority position estimatedWaitMinutes } } pageInfo { hasNextPage endCursor } } }`;
const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { id version } } }`;
const CHECK_IN = `mutation($i: CheckInAppointmentInput!) { checkInAppointment(input: $i) { queueEntry { id tokenNumber } appointment { status } } }`;

async function ok(query: string, variables: Record<string, unknown>, token = tokens.NURSE) {
  return expectData(app, query, variables, token);
}

const walkIn = async (departmentId: string, patientId: string, priority = 'NORMAL') =>
  (await ok(WALK_IN, { i: { departmentId, patientId, priority } }, tokens.FRONT_DESK)).enqueueWalkIn.queueEntry;

const board = async (departmentId: string) =>
  (await ok(QUEUE, { d: departmentId, first: 100 })).opdQueue.edges.map((e: any) => e.node);

/** The organization's calendar day (its zone), as the queue dates it. */
async function orgToday(): Promise<string> {
  const [row] = await app.admin<{ day: string }[]>`select to_char(now() at time zone ${ZONE}, 'YYYY-MM-DD') as day`;
  return row!.day;
}

describe('OPD queue', () => {
  it('numbers walk-ins per department and day, serves by priority then token, with positions and estimated waits', async () => {
    const dept = await createDepartment(app, north.id, 'OPD1');
    const other = await createDepartment(app, north.id, 'OPD2');
    const t1 = await walkIn(dept.id, patients[0]!.id);
    const t2 = await walkIn(dept.id, patients[1]!.id);
    const t3 = await walkIn(dept.id, patients[2]!.id, 'EMERGENCY');
    const t4 = await walkIn(dept.id, patients[3]!.id, 'URGENT');
    expect([t1, t2, t3, t4].map((t) => t.tokenNumber)).toEqual([1, 2, 3, 4]);
    expect(t1.queueDate).toBe(await orgToday());
    expect((await walkIn(other.id, patients[4]!.id)).tokenNumber).toBe(1);

    const twice = await app.gql(WALK_IN, { i: { departmentId: dept.id, patientId: patients[0]!.id } }, tokens.FRONT_DESK);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'patientId', tokenNumber: 1 });

    expect(await board(dept.id)).toEqual([
      { tokenNumber: 3, status: 'WAITING', priority: 'EMERGENCY', position: 1, estimatedWaitMinutes: 0 },
      { tokenNumber: 4, status: 'WAITING', priority: 'URGENT', position: 2, estimatedWaitMinutes: 10 },
      { tokenNumber: 1, status: 'WAITING', priority: 'NORMAL', position: 3, estimatedWaitMinutes: 20 },
      { tokenNumber: 2, status: 'WAITING', priority: 'NORMAL', position: 4, estimatedWaitMinutes: 30 },
    ]);

    const called = (await ok(CALL_NEXT, { d: dept.id })).callNextPatient.queueEntry;
    expect(called).toMatchObject({ tokenNumber: 3, status: 'CALLED', position: null, calledBy: { userId: north.users.NURSE.id } });
    // The called patient is served ahead of the waiting ones, who now wait one consultation longer each.
    expect((await board(dept.id)).map((e: any) => [e.tokenNumber, e.status, e.position, e.estimatedWaitMinutes])).toEqual([
      [3, 'CALLED', null, null], [4, 'WAITING', 1, 10], [1, 'WAITING', 2, 20], [2, 'WAITING', 3, 30],
    ]);

    const early = await app.gql(COMPLETE, { i: { id: called.id } }, tokens.NURSE);
    expect(early.errors?.[0]?.message).toMatch(/CALLED to DONE/);
    const started = (await ok(START, { i: { id: called.id, version: called.version } })).startConsultation.queueEntry;
    expect(started.status).toBe('IN_CONSULTATION');
    const stale = await app.gql(COMPLETE, { i: { id: called.id, version: called.version } }, tokens.NURSE);
    expect(stale.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const done = (await ok(COMPLETE, { i: { id: called.id } })).completeQueueEntry.queueEntry;
    expect(done.status).toBe('DONE');
    // Today's completed consultations set the pace: make this one 15 minutes long.
    await app.admin`update opd_queue set consultation_started_at = completed_at - interval '15 minutes' where id = ${done.entryId}`;
    expect((await board(dept.id)).map((e: any) => [e.tokenNumber, e.position, e.estimatedWaitMinutes])).toEqual([
      [4, 1, 0], [1, 2, 15], [2, 3, 30], [3, null, null],
    ]);

    const left = (await ok(LEFT, { i: { id: t1.id } })).markLeft.queueEntry;
    expect(left).toMatchObject({ status: 'LEFT', position: null });
    const leaveDone = await app.gql(LEFT, { i: { id: done.id } }, tokens.NURSE);
    expect(leaveDone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const page1 = (await ok(QUEUE, { d: dept.id, first: 2 })).opdQueue;
    const page2 = (await ok(QUEUE, { d: dept.id, first: 2, after: page1.pageInfo.endCursor })).opdQueue;
    expect([...page1.edges, ...page2.edges].map((e: any) => e.node.tokenNumber)).toEqual([4, 2, 3, 1]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const waiting = (await ok(QUEUE, { d: dept.id, first: 10, status: ['WAITING'] })).opdQueue;
    expect(waiting.totalCount).toBe(2);

    const actions = await app.admin<{ action: string }[]>`select action from audit_log where entity_id = ${called.entryId} and outcome = 'SUCCESS' order by occurred_at`;
    expect(actions.map((a) => a.action)).toEqual(['opd_queue.enqueue', 'opd_queue.call', 'opd_queue.start_consultation', 'opd_queue.complete']);
  });

  it('calls nobody from an empty queue, refuses other organizations\' departments and roles without the permission', async () => {
    const dept = await createDepartment(app, north.id, 'EMPTY');
    expect((await ok(CALL_NEXT, { d: dept.id })).callNextPatient.queueEntry).toBeNull();
    const south = await createOrganization(app.admin, 'south');
    const southDept = await createDepartment(app, south.id, 'EMPTY');
    const foreign = await app.gql(CALL_NEXT, { d: southDept.id }, tokens.NURSE);
    expect(foreign.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const foreignWalkIn = await app.gql(WALK_IN, { i: { departmentId: southDept.id, patientId: patients[5]!.id } }, tokens.FRONT_DESK);
    expect(foreignWalkIn.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentId' });
    const billing = await app.gql(CALL_NEXT, { d: dept.id }, tokens.BILLING);
    expect(billing.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('continues a day-queue that has entries but no counter yet (e.g. loaded by the seed)', async () => {
    const dept = await createDepartment(app, north.id, 'SEEDED');
    const today = await orgToday();
    for (let k = 1; k <= 5; k++) {
      await app.admin`insert into opd_queue (organization_id, department_id, queue_date, token_number, patient_id, status)
                      values (${north.id}, ${dept.uuid}, ${today}, ${k}, ${patients[10 + k]!.uuid}, 'DONE')`;
    }
    expect((await walkIn(dept.id, patients[20]!.id)).tokenNumber).toBe(6);
    expect((await walkIn(dept.id, patients[21]!.id)).tokenNumber).toBe(7);
  });

  it('drives the checked-in appointment: consultation → IN_PROGRESS, done → COMPLETED, left → CANCELLED', async () => {
    const dept = await createDepartment(app, north.id, 'APPT');
    const bookFor = async (patient: number, minutes: number) =>
      (await ok(BOOK, { i: {
        patientId: patients[patient]!.id, providerId: toGlobalId('User', north.users.PHYSICIAN.id), departmentId: dept.id,
        startsAt: inMinutes(minutes), endsAt: inMinutes(minutes + 15), appointmentType: 'CONSULTATION',
      } }, tokens.FRONT_DESK)).bookAppointment.appointment;
    const a = await bookFor(30, 60);
    const b = await bookFor(31, 90);
    const ea = (await ok(CHECK_IN, { i: { id: a.id, version: 1 } })).checkInAppointment;
    const eb = (await ok(CHECK_IN, { i: { id: b.id, version: 1 } })).checkInAppointment;
    expect([ea.queueEntry.tokenNumber, eb.queueEntry.tokenNumber]).toEqual([1, 2]);
    const called = (await ok(CALL_NEXT, { d: dept.id }, tokens.PHYSICIAN)).callNextPatient.queueEntry;
    expect(called.id).toBe(ea.queueEntry.id);
    expect(called.appointment.status).toBe('CHECKED_IN');
    expect((await ok(START, { i: { id: called.id } }, tokens.PHYSICIAN)).startConsultation.queueEntry.appointment.status).toBe('IN_PROGRESS');
    expect((await ok(COMPLETE, { i: { id: called.id } }, tokens.PHYSICIAN)).completeQueueEntry.queueEntry.appointment.status).toBe('COMPLETED');
    expect((await ok(LEFT, { i: { id: eb.queueEntry.id } })).markLeft.queueEntry.appointment.status).toBe('CANCELLED');
    const [appointmentB] = await app.admin`select status, cancellation_reason from appointments where id = ${Buffer.from(b.id, 'base64url').toString().split(':')[1]!}`;
    expect(appointmentB).toEqual({ status: 'CANCELLED', cancellation_reason: 'Left the OPD queue before being seen' });
  });

  it('30 concurrent check-ins in one department get the unique, consecutive tokens 1–30', async () => {
    const dept = await createDepartment(app, north.id, 'RUSH');
    const providers = [north.users.PHYSICIAN.id, north.users.NURSE.id, north.users.FRONT_DESK.id];
    const appointments = await app.admin<{ id: string }[]>`
      insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime, appointment_type)
      select ${north.id}, p.id, (${providers}::uuid[])[1 + (p.n % 3)], ${dept.uuid},
             now() + (p.n / 3)::int * interval '10 minutes' + interval '5 hours',
             now() + (p.n / 3)::int * interval '10 minutes' + interval '310 minutes', 'FOLLOW_UP'
      from unnest(${patients.slice(30, 60).map((p) => p.uuid)}::uuid[]) with ordinality as p(id, n)
      returning id`;
    expect(appointments).toHaveLength(30);
    const results = await Promise.all(
      appointments.map((a) => app.gql(CHECK_IN, { i: { id: toGlobalId('Appointment', a.id), version: 1 } }, tokens.FRONT_DESK)),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const tokensIssued = results.map((r) => r.data!.checkInAppointment.queueEntry.tokenNumber).sort((x: number, y: number) => x - y);
    expect(tokensIssued).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const [counter] = await app.admin`select value from tenant_counters where name = ${`opd_token:${dept.uuid}:${await orgToday()}`}`;
    expect(Number(counter!.value)).toBe(30);
  });

  it('10 concurrent callNextPatient calls never return the same entry and take the first 10 in serving order', async () => {
    const dept = await createDepartment(app, north.id, 'CALLS');
    const entries = [];
    for (let i = 0; i < 12; i++) entries.push(await walkIn(dept.id, patients[40 + i]!.id, i % 4 === 3 ? 'URGENT' : 'NORMAL'));
    const servingOrder = (await board(dept.id)).map((e: any) => e.tokenNumber);
    const results = await Promise.all(Array.from({ length: 10 }, () => app.gql(CALL_NEXT, { d: dept.id }, tokens.NURSE)));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const called = results.map((r) => r.data!.callNextPatient.queueEntry);
    expect(called.every((e) => e !== null)).toBe(true);
    expect(new Set(called.map((e) => e.id)).size).toBe(10);
    expect(called.map((e) => e.tokenNumber).sort((x: number, y: number) => x - y)).toEqual([...servingOrder.slice(0, 10)].sort((x, y) => x - y));
    const statuses = await app.admin<{ status: string; n: number }[]>`
      select status, count(*)::int as n from opd_queue where department_id = ${dept.uuid} group by status order by status`;
    expect(statuses).toEqual([{ status: 'CALLED', n: 10 }, { status: 'WAITING', n: 2 }]);
  });
});
