import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { createDepartment, createPatients, dateIn, zoneWithLocalHour } from './helpers.js';

/**
 * Scheduling rules a clinic relies on (issue 20, finding 9): a patient is in one place at a time, providers are
 * clinicians, queues belong to clinical departments, check-in happens on the appointment's own day, and a deleted
 * registration stops holding the providers' time.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let patients: { id: string; uuid: string }[];
let clinic: { id: string; uuid: string };
let physicians: string[];

const HOUR = 3_600_000;

beforeAll(async () => {
  app = await createTestApp({ DATABASE_MAX_CONNECTIONS: '10' });
  org = await createOrganization(app.admin, 'sched');
  tokens = await tokensByRole(app, org);
  patients = await createPatients(app, org.id, 12, 'S');
  clinic = await createDepartment(app, org.id, 'GMED');
  // Two more physicians, so one patient can be offered three at the same time.
  const passwordHash = await hash('unused-password-for-extra-physicians');
  const extra = await app.admin<{ id: string }[]>`
    insert into users (organization_id, email, password_hash, display_name, given_name, family_name)
    select ${org.id}, 'physician' || n || '@sched.test', ${passwordHash}, 'Physician ' || n, 'Physician', n::text
    from generate_series(2, 3) as n returning id`;
  for (const u of extra) await app.admin`insert into user_roles (organization_id, user_id, role_code) values (${org.id}, ${u.id}, 'PHYSICIAN')`;
  physicians = [org.users.PHYSICIAN.id, ...extra.map((u) => u.id)].map((id) => toGlobalId('User', id));
});
afterAll(() => app.close());

const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { id appointmentId status patientOverlapAllowed } } }`;
const CHECK_IN = `mutation($i: CheckInAppointmentInput!) { checkInAppointment(input: $i) { queueEntry { tokenNumber queueDate } appointment { status } } }`;
const WALK_IN = `mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { tokenNumber } } }`;

const refusal = (res: GraphQLResponse) => {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
};

/** A 30-minute slot `days` ahead at 10:00 UTC. */
function slot(days: number, minute = 0, length = 30) {
  const start = new Date();
  start.setUTCHours(10, minute, 0, 0);
  start.setUTCDate(start.getUTCDate() + days);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + length * 60_000).toISOString() };
}

const book = (input: Record<string, unknown>) =>
  app.gql(BOOK, { i: { providerId: physicians[0], departmentId: clinic.id, appointmentType: 'CONSULTATION', ...input } }, tokens.FRONT_DESK);

async function booked(input: Record<string, unknown>) {
  const res = await book(input);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.bookAppointment.appointment;
}

const setZone = (timeZone: string) => app.admin`update organizations set timezone = ${timeZone} where id = ${org.id}`;

describe('scheduling safety', () => {
  it('one patient cannot be booked with three physicians at the same time (unless explicitly allowed)', async () => {
    const patient = patients[0]!;
    const first = await booked({ patientId: patient.id, ...slot(2) });
    for (const providerId of physicians.slice(1)) {
      const clash = refusal(await book({ patientId: patient.id, providerId, ...slot(2, 10) }));
      expect(clash.extensions).toMatchObject({
        code: 'CONFLICT', reason: 'PATIENT_OVERLAP', field: 'startsAt', conflictingAppointmentId: first.id,
      });
      expect(clash.message).toMatch(/The patient already has an appointment/);
    }
    // Meant to happen together (a blood draw during the visit): allowed when said so.
    const together = await booked({ patientId: patient.id, providerId: physicians[1], appointmentType: 'LAB', allowPatientOverlap: true, ...slot(2, 10) });
    expect(together.patientOverlapAllowed).toBe(true);

    // Racing bookings: the exclusion constraint lets exactly one through.
    const racer = patients[1]!;
    const results = await Promise.all(physicians.map((providerId) => book({ patientId: racer.id, providerId, ...slot(3) })));
    expect(results.filter((r) => r.data?.bookAppointment)).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) expect(r.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PATIENT_OVERLAP' });
    const [{ count }] = (await app.admin`select count(*)::int as count from appointments where patient_id = ${racer.uuid} and status = 'SCHEDULED'`) as any;
    expect(count).toBe(1);
    // The database refuses it too, whatever writes the row.
    await expect(app.admin`
      insert into appointments (organization_id, patient_id, provider_id, scheduled_datetime, scheduled_end_datetime, appointment_type)
      values (${org.id}, ${racer.uuid}, ${org.users.NURSE.id}, ${slot(3, 5).startsAt}, ${slot(3, 5).endsAt}, 'LAB')`).rejects.toMatchObject({
      constraint_name: 'appointments_no_patient_overlap',
    });
  });

  it('a BILLING user cannot be a provider; a NURSE can', async () => {
    const billing = refusal(await book({ patientId: patients[2]!.id, providerId: toGlobalId('User', org.users.BILLING.id), ...slot(4) }));
    expect(billing.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId', requiredRoles: ['PHYSICIAN', 'NURSE'] });
    expect(billing.message).toMatch(/PHYSICIAN or NURSE/);
    const admin = refusal(await book({ patientId: patients[2]!.id, providerId: toGlobalId('User', org.users.ORG_ADMIN.id), ...slot(4) }));
    expect(admin.extensions.field).toBe('providerId');
    const a = await booked({ patientId: patients[2]!.id, providerId: toGlobalId('User', org.users.NURSE.id), ...slot(4) });
    const moved = await app.gql(`mutation($i: RescheduleAppointmentInput!) { rescheduleAppointment(input: $i) { appointment { status } } }`,
      { i: { id: a.id, version: 1, ...slot(4, 60), providerId: toGlobalId('User', org.users.BILLING.id) } }, tokens.FRONT_DESK);
    expect(refusal(moved).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId' });
  });

  it('a walk-in in the billing department is refused; an outpatient clinic takes it', async () => {
    const billingOffice = await createDepartment(app, org.id, 'BILL', 'BILLING');
    const refused = refusal(await app.gql(WALK_IN, { i: { departmentId: billingOffice.id, patientId: patients[3]!.id } }, tokens.FRONT_DESK));
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentId', departmentType: 'BILLING' });
    expect(refused.message).toMatch(/runs no patient queue/);
    expect((await app.gql(WALK_IN, { i: { departmentId: clinic.id, patientId: patients[3]!.id } }, tokens.FRONT_DESK)).data?.enqueueWalkIn.queueEntry.tokenNumber).toBe(1);
  });

  it("tomorrow's patient cannot be checked in tonight; tonight's patient joins tonight's queue (organization time)", async () => {
    const now = new Date();
    const zone = zoneWithLocalHour(22, now);
    await setZone(zone);
    const hourStart = Math.floor(now.getTime() / HOUR) * HOUR; // 22:00 in the organization's zone
    const tomorrowMorning = new Date(hourStart + 10 * HOUR); // 08:00 there, tomorrow
    const tomorrow = await booked({
      patientId: patients[4]!.id, startsAt: tomorrowMorning.toISOString(), endsAt: new Date(tomorrowMorning.getTime() + 30 * 60_000).toISOString(),
    });
    const early = refusal(await app.gql(CHECK_IN, { i: { id: tomorrow.id, version: 1 } }, tokens.FRONT_DESK));
    expect(early.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', appointmentDay: dateIn(zone, tomorrowMorning), today: dateIn(zone, now) });
    expect(early.message).toMatch(/check-in opens on that day/);
    expect(await app.admin`select 1 from opd_queue where appointment_id = ${tomorrow.appointmentId}`).toHaveLength(0);

    const lateTonight = new Date(hourStart + 90 * 60_000); // 23:30 there, today
    const tonight = await booked({
      patientId: patients[5]!.id, startsAt: lateTonight.toISOString(), endsAt: new Date(lateTonight.getTime() + 20 * 60_000).toISOString(),
    });
    const checkedIn = (await app.gql(CHECK_IN, { i: { id: tonight.id, version: 1 } }, tokens.FRONT_DESK)).data!.checkInAppointment;
    expect(checkedIn).toMatchObject({ appointment: { status: 'CHECKED_IN' }, queueEntry: { queueDate: dateIn(zone, lateTonight) } });
  });

  it('an appointment from 10 days ago cannot be checked in', async () => {
    await setZone('Africa/Nairobi');
    const [past] = await app.admin<{ id: string }[]>`
      insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime, appointment_type)
      values (${org.id}, ${patients[6]!.uuid}, ${org.users.PHYSICIAN.id}, ${clinic.uuid}, now() - interval '10 days', now() - interval '10 days' + interval '30 minutes', 'FOLLOW_UP')
      returning id`;
    const res = refusal(await app.gql(CHECK_IN, { i: { id: toGlobalId('Appointment', past!.id), version: 1 } }, tokens.FRONT_DESK));
    expect(res.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(res.message).toMatch(/a past day: it cannot be checked in/);
    expect((await app.admin`select status from appointments where id = ${past!.id}`)[0]).toEqual({ status: 'SCHEDULED' });
  });

  it("a deleted patient's future appointment no longer blocks the provider", async () => {
    const deleted = patients[7]!;
    const a = await booked({ patientId: deleted.id, ...slot(6) });
    const blocked = refusal(await book({ patientId: patients[8]!.id, ...slot(6) }));
    expect(blocked.extensions).toMatchObject({ code: 'CONFLICT', conflictingAppointmentId: a.id });
    const del = await app.gql(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: deleted.id, version: 1 } }, tokens.FRONT_DESK);
    expect(del.data?.deletePatient.deletedPatientId).toBe(deleted.id);
    expect((await booked({ patientId: patients[8]!.id, ...slot(6) })).status).toBe('SCHEDULED');
    expect((await app.admin`select status, cancellation_reason from appointments where id = ${a.appointmentId}`)[0]).toEqual({
      status: 'CANCELLED', cancellation_reason: 'Patient record deleted',
    });
    expect(await app.admin`select 1 from audit_log where entity_id = ${a.appointmentId} and action = 'appointment.cancel'`).toHaveLength(1);
  });
});
