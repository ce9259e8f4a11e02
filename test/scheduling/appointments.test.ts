import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { createDepartment, createPatients, inMinutes, zoneWithLocalHour } from './helpers.js';

let app: TestApp;
let north: TestOrganization;
let south: TestOrganization;
let tokens: Record<Role, string>;
let southTokens: Record<Role, string>;
let patients: { id: string; uuid: string }[];
let gmed: { id: string; uuid: string };
let provider: string;
let otherProvider: string;

beforeAll(async () => {
  app = await createTestApp({ ...COUNTING_STATEMENTS, DATABASE_MAX_CONNECTIONS: '20' });
  north = await createOrganization(app.admin, 'north');
  // Early morning in the organization's zone, so the check-ins below (a few hours ahead) fall on today.
  await app.admin`update organizations set timezone = ${zoneWithLocalHour(2)} where id = ${north.id}`;
  south = await createOrganization(app.admin, 'south');
  [tokens, southTokens] = await Promise.all([tokensByRole(app, north), tokensByRole(app, south)]);
  patients = await createPatients(app, north.id, 40, 'N');
  gmed = await createDepartment(app, north.id, 'GMED');
  provider = toGlobalId('User', north.users.PHYSICIAN.id);
  otherProvider = toGlobalId('User', north.users.NURSE.id);
});
afterAll(() => app.close());

const FIELDS = `id appointmentId status version startsAt endsAt durationMinutes cancellationReason checkedInAt
  provider { userId } patient { patientId } department { code }`;
const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { ${FIELDS} } } }`;
const RESCHEDULE = `mutation($i: RescheduleAppointmentInput!) { rescheduleAppointment(input: $i) { appointment { ${FIELDS} } } }`;
const CANCEL = `mutation($i: CancelAppointmentInput!) { cancelAppointment(input: $i) { appointment { ${FIELDS} queueEntry { status } } } }`;
const NO_SHOW = `mutation($i: MarkNoShowInput!) { markNoShow(input: $i) { appointment { ${FIELDS} } } }`;
const CHECK_IN = `mutation($i: CheckInAppointmentInput!) { checkInAppointment(input: $i) {
  appointment { ${FIELDS} queueEntry { tokenNumber } } queueEntry { tokenNumber status priority department { code } appointment { appointmentId } } } }`;

/** A slot on a fixed future day (minutes after 08:00 UTC, `days` ahead). */
function slot(days: number, startMinute: number, length = 30) {
  const day = new Date();
  day.setUTCHours(8, 0, 0, 0);
  const start = day.getTime() + days * 86_400_000 + startMinute * 60_000;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + length * 60_000).toISOString() };
}

async function book(input: Record<string, unknown>, token = tokens.FRONT_DESK) {
  return app.gql(BOOK, { i: { patientId: patients[0]!.id, providerId: provider, departmentId: gmed.id, appointmentType: 'FOLLOW_UP', ...input } }, token);
}

async function booked(input: Record<string, unknown>, token = tokens.FRONT_DESK) {
  const res = await book(input, token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.bookAppointment.appointment;
}

const actions = async (entityId: string) =>
  (await app.admin<{ action: string }[]>`select action from audit_log where entity_id = ${entityId} and outcome = 'SUCCESS' order by occurred_at, action`).map((a) => a.action);

describe('departments', () => {
  it('are created and edited by organization administrators only, with unique codes', async () => {
    const create = `mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { department { id code name active version departmentType } } }`;
    const res = await app.gql(create, { i: { name: 'Cardiology', code: 'card', departmentType: 'OUTPATIENT', location: 'Block B' } }, tokens.ORG_ADMIN);
    const dept = res.data!.createDepartment.department;
    expect(dept).toMatchObject({ code: 'CARD', name: 'Cardiology', active: true, version: 1, departmentType: 'OUTPATIENT' });
    const dup = await app.gql(create, { i: { name: 'Other', code: 'CARD', departmentType: 'OUTPATIENT' } }, tokens.ORG_ADMIN);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'code' });
    const bad = await app.gql(create, { i: { name: 'X', code: 'no spaces', departmentType: 'OUTPATIENT' } }, tokens.ORG_ADMIN);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    const forbidden = await app.gql(create, { i: { name: 'X', code: 'X1', departmentType: 'OUTPATIENT' } }, tokens.FRONT_DESK);
    expect(forbidden.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

    const update = `mutation($i: UpdateDepartmentInput!) { updateDepartment(input: $i) { department { name active version } } }`;
    const off = await app.gql(update, { i: { id: dept.id, version: 1, active: false, name: 'Cardiology (closed)' } }, tokens.ORG_ADMIN);
    expect(off.data?.updateDepartment.department).toEqual({ name: 'Cardiology (closed)', active: false, version: 2 });
    const stale = await app.gql(update, { i: { id: dept.id, version: 1, name: 'Lost' } }, tokens.ORG_ADMIN);
    expect(stale.errors?.[0]?.extensions.code).toBe('CONFLICT');
    expect(await actions(Buffer.from(dept.id, 'base64url').toString().split(':')[1]!)).toEqual(['department.create', 'department.deactivate']);

    const refused = await book({ departmentId: dept.id, ...slot(3, 0) });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentId' });
    const list = await app.gql(`{ departments(first: 10, filter: { active: false }) { totalCount edges { node { code } } } }`, {}, tokens.FRONT_DESK);
    expect(list.data?.departments).toEqual({ totalCount: 1, edges: [{ node: { code: 'CARD' } }] });
    const south = await app.gql(`query($id: ID!) { department(id: $id) { code } }`, { id: dept.id }, southTokens.FRONT_DESK);
    expect(south.data?.department).toBeNull();
  });
});

describe('appointments', () => {
  it('books, reschedules and cancels with optimistic versions, audited; a cancelled slot is free again', async () => {
    const a = await booked({ ...slot(2, 0), reason: 'Blood pressure review' });
    expect(a).toMatchObject({
      status: 'SCHEDULED', version: 1, durationMinutes: 30, provider: { userId: north.users.PHYSICIAN.id },
      patient: { patientId: patients[0]!.uuid }, department: { code: 'GMED' },
    });
    const moved = await app.gql(RESCHEDULE, { i: { id: a.id, version: 1, ...slot(2, 60, 45) } }, tokens.FRONT_DESK);
    expect(moved.data?.rescheduleAppointment.appointment).toMatchObject({ version: 2, ...slot(2, 60, 45), durationMinutes: 45 });
    const stale = await app.gql(RESCHEDULE, { i: { id: a.id, version: 1, ...slot(2, 120) } }, tokens.FRONT_DESK);
    expect(stale.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const cancel = await app.gql(CANCEL, { i: { id: a.id, version: 2, reason: 'Patient travelling' } }, tokens.FRONT_DESK);
    expect(cancel.data?.cancelAppointment.appointment).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Patient travelling', version: 3 });
    const again = await app.gql(CANCEL, { i: { id: a.id, version: 3, reason: 'x' } }, tokens.FRONT_DESK);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(again.errors?.[0]?.message).toMatch(/CANCELLED to CANCELLED/);
    const moveCancelled = await app.gql(RESCHEDULE, { i: { id: a.id, version: 3, ...slot(2, 300) } }, tokens.FRONT_DESK);
    expect(moveCancelled.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(await actions(a.appointmentId)).toEqual(['appointment.book', 'appointment.reschedule', 'appointment.cancel']);
    const [audit] = await app.admin`select changes from audit_log where entity_id = ${a.appointmentId} and action = 'appointment.reschedule'`;
    expect(Object.keys(audit!.changes.after).sort()).toEqual(['scheduledDatetime', 'scheduledEndDatetime', 'sortKey']);
    // The cancelled appointment no longer holds the provider's time.
    expect((await book({ ...slot(2, 60, 45), patientId: patients[1]!.id })).data?.bookAppointment.appointment.status).toBe('SCHEDULED');
  });

  it('refuses past and inverted times, and references outside the organization, naming the field', async () => {
    const past = await book({ startsAt: inMinutes(-30), endsAt: inMinutes(0) });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    const s = slot(4, 0);
    const inverted = await book({ startsAt: s.endsAt, endsAt: s.startsAt });
    expect(inverted.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    const empty = await book({ startsAt: s.startsAt, endsAt: s.startsAt });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    const long = await book(slot(4, 0, 13 * 60));
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    const a = await booked({ ...slot(4, 0), patientId: patients[2]!.id });
    const intoPast = await app.gql(RESCHEDULE, { i: { id: a.id, version: 1, startsAt: inMinutes(-120), endsAt: inMinutes(-90) } }, tokens.FRONT_DESK);
    expect(intoPast.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    const southProvider = await book({ ...slot(4, 60), providerId: toGlobalId('User', south.users.PHYSICIAN.id) });
    expect(southProvider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId' });
    const southPatient = await book({ ...slot(4, 60) }, southTokens.FRONT_DESK);
    expect(southPatient.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const asPatient = await book({ ...slot(4, 60), providerId: patients[0]!.id });
    expect(asPatient.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId' });
    const analyst = await book({ ...slot(4, 60) }, tokens.ANALYST);
    expect(analyst.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await app.gql(`query($id: ID!) { appointment(id: $id) { id } }`, { id: a.id }, southTokens.ORG_ADMIN)).data?.appointment).toBeNull();
  });

  it('refuses a double booking with CONFLICT naming the conflicting time; back-to-back slots are fine', async () => {
    const first = await booked({ ...slot(5, 0), patientId: patients[3]!.id });
    const clash = await book({ ...slot(5, 15), patientId: patients[4]!.id });
    const error = clash.errors?.[0];
    expect(error?.extensions).toMatchObject({
      code: 'CONFLICT', field: 'startsAt', conflictingAppointmentId: first.id,
      conflictingStartsAt: slot(5, 0).startsAt, conflictingEndsAt: slot(5, 0).endsAt,
    });
    expect(error?.message).toContain(slot(5, 0).startsAt);
    expect(error?.message).toContain(slot(5, 0).endsAt);
    // [start, end) ranges: the next slot may start when this one ends; another provider is unaffected.
    const next = await booked({ ...slot(5, 30), patientId: patients[4]!.id });
    await booked({ ...slot(5, 0), providerId: otherProvider, patientId: patients[5]!.id });
    const moveInto = await app.gql(RESCHEDULE, { i: { id: next.id, version: 1, ...slot(5, 20) } }, tokens.FRONT_DESK);
    expect(moveInto.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', conflictingAppointmentId: first.id });
    // Rescheduling within its own slot does not clash with itself.
    const nudge = await app.gql(RESCHEDULE, { i: { id: next.id, version: 1, ...slot(5, 35, 20) } }, tokens.FRONT_DESK);
    expect(nudge.data?.rescheduleAppointment.appointment.version).toBe(2);
  });

  it('30 concurrent overlapping bookings for one provider: exactly one succeeds, the others get CONFLICT naming it', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => book({ ...slot(6, i, 30), patientId: patients[i]!.id })),
    );
    const ok = results.filter((r) => r.data?.bookAppointment);
    const refused = results.filter((r) => r.errors);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(29);
    const winner = ok[0]!.data!.bookAppointment.appointment;
    for (const r of refused) {
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', conflictingAppointmentId: winner.id });
      expect(r.errors![0]!.message).toContain(winner.startsAt);
    }
    const day = slot(6, 0);
    const [{ count }] = (await app.admin`
      select count(*)::int as count from appointments
      where provider_id = ${north.users.PHYSICIAN.id} and scheduled_datetime >= ${day.startsAt} and scheduled_datetime < ${slot(6, 60).startsAt}`) as any;
    expect(count).toBe(1);
  });

  it('checks in (queueing the patient), refuses invalid transitions, and marks no-shows only after the start', async () => {
    const a = await booked({ startsAt: inMinutes(60), endsAt: inMinutes(90), patientId: patients[10]!.id, providerId: otherProvider });
    const noShowEarly = await app.gql(NO_SHOW, { i: { id: a.id, version: 1 } }, tokens.FRONT_DESK);
    expect(noShowEarly.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const checkIn = await app.gql(CHECK_IN, { i: { id: a.id, version: 1 } }, tokens.FRONT_DESK);
    const payload = checkIn.data!.checkInAppointment;
    expect(payload.appointment).toMatchObject({ status: 'CHECKED_IN', version: 2, queueEntry: { tokenNumber: payload.queueEntry.tokenNumber } });
    expect(payload.appointment.checkedInAt).not.toBeNull();
    expect(payload.queueEntry).toMatchObject({ status: 'WAITING', priority: 'NORMAL', department: { code: 'GMED' }, appointment: { appointmentId: a.appointmentId } });
    const twice = await app.gql(CHECK_IN, { i: { id: a.id, version: 2 } }, tokens.FRONT_DESK);
    expect(twice.errors?.[0]?.message).toMatch(/CHECKED_IN to CHECKED_IN/);
    const noShow = await app.gql(NO_SHOW, { i: { id: a.id, version: 2 } }, tokens.FRONT_DESK);
    expect(noShow.errors?.[0]?.message).toMatch(/CHECKED_IN to NO_SHOW/);
    // Cancelling a checked-in appointment takes the patient out of the queue.
    const cancel = await app.gql(CANCEL, { i: { id: a.id, version: 2, reason: 'Went home' } }, tokens.FRONT_DESK);
    expect(cancel.data?.cancelAppointment.appointment).toMatchObject({ status: 'CANCELLED', queueEntry: { status: 'LEFT' } });

    const farOff = await booked({ ...slot(3, 120), patientId: patients[11]!.id, providerId: otherProvider });
    const early = await app.gql(CHECK_IN, { i: { id: farOff.id, version: 1 } }, tokens.FRONT_DESK);
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const noDept = await booked({ startsAt: inMinutes(120), endsAt: inMinutes(150), patientId: patients[12]!.id, providerId: otherProvider, departmentId: null });
    const missing = await app.gql(CHECK_IN, { i: { id: noDept.id, version: 1 } }, tokens.FRONT_DESK);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentId' });
    const chosen = await app.gql(CHECK_IN, { i: { id: noDept.id, version: 1, departmentId: gmed.id, priority: 'URGENT' } }, tokens.NURSE);
    expect(chosen.data?.checkInAppointment.queueEntry).toMatchObject({ priority: 'URGENT', department: { code: 'GMED' } });

    // An appointment whose start has passed (arranged in SQL: the API refuses to book the past).
    const [past] = await app.admin<{ id: string }[]>`
      insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime, appointment_type)
      values (${north.id}, ${patients[13]!.uuid}, ${north.users.PHYSICIAN.id}, ${gmed.uuid}, now() - interval '2 hours', now() - interval '90 minutes', 'FOLLOW_UP')
      returning id`;
    const marked = await app.gql(NO_SHOW, { i: { id: toGlobalId('Appointment', past!.id), version: 1 } }, tokens.FRONT_DESK);
    expect(marked.data?.markNoShow.appointment).toMatchObject({ status: 'NO_SHOW', version: 2 });
    expect(await actions(past!.id)).toEqual(['appointment.no_show']);
  });

  it('a failure at the end of a check-in leaves the appointment SCHEDULED, no queue entry and no used token', async () => {
    const dept = await createDepartment(app, north.id, 'ROLLBK');
    const a = await booked({ startsAt: inMinutes(200), endsAt: inMinutes(220), patientId: patients[14]!.id, providerId: otherProvider, departmentId: dept.id });
    await app.admin`alter table audit_log add constraint reject_enqueue check (action <> 'opd_queue.enqueue') not valid`;
    try {
      const res = await app.gql(CHECK_IN, { i: { id: a.id, version: 1 } }, tokens.FRONT_DESK);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_enqueue`;
    }
    const [row] = await app.admin`select status, version from appointments where id = ${a.appointmentId}`;
    expect(row).toEqual({ status: 'SCHEDULED', version: 1 });
    expect(await app.admin`select 1 from opd_queue where department_id = ${dept.uuid}`).toHaveLength(0);
    const retry = await app.gql(CHECK_IN, { i: { id: a.id, version: 1 } }, tokens.FRONT_DESK);
    expect(retry.data?.checkInAppointment.queueEntry.tokenNumber).toBe(1);
  });
});

describe('appointment listing', () => {
  const DAY = 9;
  let dayIds: string[];

  beforeAll(async () => {
    // 25 appointments on one day across three providers and statuses, plus some the day before and after.
    const providers = [north.users.PHYSICIAN.id, north.users.NURSE.id, north.users.ORG_ADMIN.id];
    for (let i = 0; i < 25; i++) {
      const s = slot(DAY, Math.floor(i / 3) * 30);
      await app.admin`
        insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime, appointment_type, status)
        values (${north.id}, ${patients[i]!.uuid}, ${providers[i % 3]!}, ${gmed.uuid}, ${s.startsAt}, ${s.endsAt}, 'CONSULTATION', ${i % 5 === 0 ? 'CANCELLED' : 'SCHEDULED'})`;
    }
    for (const d of [DAY - 1, DAY + 1]) {
      const s = slot(d, 0);
      await app.admin`
        insert into appointments (organization_id, patient_id, provider_id, scheduled_datetime, scheduled_end_datetime, appointment_type)
        values (${north.id}, ${patients[30]!.uuid}, ${north.users.ORG_ADMIN.id}, ${s.startsAt}, ${s.endsAt}, 'LAB')`;
    }
    dayIds = (
      await app.admin<{ id: string }[]>`
        select id from appointments where organization_id = ${north.id}
          and scheduled_datetime >= ${slot(DAY, -480).startsAt} and scheduled_datetime < ${slot(DAY + 1, -480).startsAt}
        order by scheduled_datetime, id`
    ).map((r) => r.id);
    expect(dayIds).toHaveLength(25);
  });

  const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $filter: AppointmentFilter) {
    appointments(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount edges { node { appointmentId startsAt status } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
  const dayFilter = () => ({ from: slot(DAY, -480).startsAt, to: slot(DAY + 1, -480).startsAt });

  it('walks one day forward and backward by start time, exactly once each', async () => {
    const forward: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await app.gql(LIST, { first: 7, after, filter: dayFilter() }, tokens.PHYSICIAN);
      expect(res.data.appointments.totalCount).toBe(25);
      forward.push(...res.data.appointments.edges.map((e: any) => e.node.appointmentId));
      if (!res.data.appointments.pageInfo.hasNextPage) break;
      after = res.data.appointments.pageInfo.endCursor;
    }
    expect(forward).toEqual(dayIds);
    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const res: any = await app.gql(LIST, { last: 10, before, filter: dayFilter() }, tokens.PHYSICIAN);
      backward.unshift(...res.data.appointments.edges.map((e: any) => e.node.appointmentId));
      if (!res.data.appointments.pageInfo.hasPreviousPage) break;
      before = res.data.appointments.pageInfo.startCursor;
    }
    expect(backward).toEqual(dayIds);
  });

  it('filters by provider, department, patient and status, and caps pages at 1000', async () => {
    const byProvider = await app.gql(LIST, { first: 100, filter: { ...dayFilter(), providerId: provider, status: ['SCHEDULED'] } }, tokens.FRONT_DESK);
    const expected = await app.admin<{ id: string }[]>`
      select id from appointments where id = any(${dayIds}) and provider_id = ${north.users.PHYSICIAN.id} and status = 'SCHEDULED'
      order by scheduled_datetime, id`;
    expect(byProvider.data?.appointments.edges.map((e: any) => e.node.appointmentId)).toEqual(expected.map((r) => r.id));
    expect(byProvider.data?.appointments.totalCount).toBe(expected.length);
    const byPatient = await app.gql(LIST, { first: 100, filter: { patientId: patients[30]!.id, departmentId: null } }, tokens.FRONT_DESK);
    expect(byPatient.data?.appointments.totalCount).toBe(2);
    const tooMany = await app.gql(LIST, { first: 1001, filter: dayFilter() }, tokens.FRONT_DESK);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const inverted = await app.gql(LIST, { first: 1, filter: { from: dayFilter().to, to: dayFilter().from } }, tokens.FRONT_DESK);
    expect(inverted.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    const south = await app.gql(LIST, { first: 100, filter: dayFilter() }, southTokens.FRONT_DESK);
    expect(south.data?.appointments.totalCount).toBe(0);
  });

  it('resolves patient, provider, department and queue entry of any number of rows in a constant number of statements', async () => {
    const query = `query($first: Int, $filter: AppointmentFilter) { appointments(first: $first, filter: $filter) {
      edges { node { patient { mrn } provider { displayName } department { code } queueEntry { tokenNumber } } } } }`;
    const statements = app.api.deps.db.statements;
    const measure = async (first: number) => {
      await app.gql(query, { first, filter: dayFilter() }, tokens.PHYSICIAN); // warm the sign-in cache
      const before = statements.count;
      const res = await app.gql(query, { first, filter: dayFilter() }, tokens.PHYSICIAN);
      expect(res.errors).toBeUndefined();
      expect(res.data?.appointments.edges).toHaveLength(first);
      return statements.count - before;
    };
    const few = await measure(2);
    const many = await measure(25);
    expect(many).toBe(few);

    const nested = `query($first: Int) { patients(first: $first) { edges { node { lastName
      appointments(first: 2, status: [SCHEDULED]) { totalCount edges { node { startsAt provider { userId } } } } } } } }`;
    const measureNested = async (first: number) => {
      await app.gql(nested, { first }, tokens.PHYSICIAN);
      const before = statements.count;
      const res = await app.gql(nested, { first }, tokens.PHYSICIAN);
      expect(res.errors).toBeUndefined();
      return { statements: statements.count - before, data: res.data };
    };
    const one = await measureNested(3);
    const thirty = await measureNested(30);
    expect(thirty.statements).toBe(one.statements);
    expect(one.data!.patients.edges[1].node).toMatchObject({ lastName: 'Patient10' });
    expect(one.data!.patients.edges[1].node.appointments.edges.length).toBeGreaterThan(0);
    const pages = thirty.data!.patients.edges.map((e: any) => e.node.appointments);
    for (const p of pages) expect(p.edges).toHaveLength(Math.min(2, p.totalCount));
    expect(pages.reduce((a: number, p: any) => a + p.totalCount, 0)).toBeGreaterThan(10);
  });
});
