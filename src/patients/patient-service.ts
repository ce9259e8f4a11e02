import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { badInput, conflict, notFound } from '../kernel/errors.js';
import { atVersion } from '../kernel/concurrency.js';
import {
  email,
  matching,
  notFuture,
  optionalText,
  pastOrTodayDate,
  requiredText,
} from '../kernel/validation.js';
import { cancelScheduleOfPatient } from '../scheduling/patient-appointments.js';
import { assertNotAlreadyDeceased, endCareAfterDeath } from './patient-death-service.js';
import { assertNotBeforeBirthIn } from './patient-life.js';
import { assertBirthBeforeDeath } from './patient-life-rules.js';
import { organizationTimeZone, organizationTodayOf } from './organization-calendar.js';
import * as repo from './patient-repository.js';

const MRN = /^[A-Z0-9-]{4,20}$/;
const COUNTRY = /^[A-Z]{2}$/;
const PHONE = /^[+0-9 ().-]{3,40}$/;

/** Demographic input as the GraphQL inputs carry it (absent = unchanged, null = cleared). */
export type PatientInput = { [K in keyof repo.PatientFields]?: repo.PatientFields[K] | null };

/** Validates and normalises every given demographic field; the first bad one is named. */
function cleanFields(input: PatientInput): PatientInput {
  const out: PatientInput = {};
  const set = <K extends keyof repo.PatientFields>(key: K, value: repo.PatientFields[K] | null | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  if (input.firstName !== undefined) set('firstName', requiredText(input.firstName ?? '', 'firstName', 100));
  if (input.lastName !== undefined) set('lastName', requiredText(input.lastName ?? '', 'lastName', 100));
  set('middleName', optionalText(input.middleName, 'middleName', 100));
  set('preferredName', optionalText(input.preferredName, 'preferredName', 100));
  if (input.dateOfBirth !== undefined) {
    if (input.dateOfBirth === null) throw badInput('dateOfBirth cannot be cleared', 'dateOfBirth');
    // checked against the organization's today inside the transaction (assertBornByToday)
    set('dateOfBirth', requiredText(input.dateOfBirth, 'dateOfBirth', 10));
  }
  set('sexAtBirth', input.sexAtBirth);
  set('genderIdentity', optionalText(input.genderIdentity, 'genderIdentity', 100));
  set('phone', matching(optionalText(input.phone, 'phone', 40), 'phone', PHONE, 'a phone number (digits, spaces, + ( ) . -)'));
  set('email', email(optionalText(input.email, 'email', 254)));
  set('addressLine1', optionalText(input.addressLine1, 'addressLine1', 200));
  set('addressLine2', optionalText(input.addressLine2, 'addressLine2', 200));
  set('city', optionalText(input.city, 'city', 100));
  set('region', optionalText(input.region, 'region', 100));
  set('postalCode', optionalText(input.postalCode, 'postalCode', 20));
  set('country', matching(optionalText(input.country, 'country', 2)?.toUpperCase(), 'country', COUNTRY, 'an ISO 3166-1 alpha-2 code such as KE'));
  set('preferredLanguage', optionalText(input.preferredLanguage, 'preferredLanguage', 35));
  set('maritalStatus', input.maritalStatus);
  set('bloodType', input.bloodType);
  set('emergencyContactName', optionalText(input.emergencyContactName, 'emergencyContactName', 200));
  set('emergencyContactPhone', matching(optionalText(input.emergencyContactPhone, 'emergencyContactPhone', 40), 'emergencyContactPhone', PHONE, 'a phone number'));
  set('emergencyContactRelationship', optionalText(input.emergencyContactRelationship, 'emergencyContactRelationship', 100));
  set('insuranceProvider', optionalText(input.insuranceProvider, 'insuranceProvider', 200));
  set('insurancePolicyNumber', optionalText(input.insurancePolicyNumber, 'insurancePolicyNumber', 100));
  return out;
}

const EMPTY_FIELDS: repo.PatientFields = {
  firstName: '',
  middleName: null,
  lastName: '',
  preferredName: null,
  dateOfBirth: '',
  sexAtBirth: null,
  genderIdentity: null,
  phone: null,
  email: null,
  addressLine1: null,
  addressLine2: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
  preferredLanguage: null,
  maritalStatus: null,
  bloodType: null,
  emergencyContactName: null,
  emergencyContactPhone: null,
  emergencyContactRelationship: null,
  insuranceProvider: null,
  insurancePolicyNumber: null,
};

const mrnTaken = () => conflict('This MRN is already used by another patient of your organization', { field: 'mrn' });

export async function createPatient(
  ctx: TenantContext,
  input: PatientInput & { mrn?: string | null; firstName: string; lastName: string; dateOfBirth: string },
): Promise<repo.PatientRow> {
  const fields = { ...EMPTY_FIELDS, ...cleanFields(input) } as repo.PatientFields;
  const givenMrn = input.mrn ? matching(input.mrn.trim().toUpperCase(), 'mrn', MRN, '4–20 upper-case letters, digits or dashes') : null;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await assertBornByToday(tx, scope.organizationId, fields.dateOfBirth);
    let mrn = givenMrn;
    if (mrn && (await repo.patientIdByMrn(tx, scope.organizationId, mrn))) throw mrnTaken();
    // Generated MRNs skip numbers someone already typed in by hand.
    for (let attempt = 0; !mrn && attempt < 20; attempt++) {
      const candidate = `MRN-${String(await repo.nextCounterValue(tx, scope.organizationId, 'mrn')).padStart(6, '0')}`;
      if (!(await repo.patientIdByMrn(tx, scope.organizationId, candidate))) mrn = candidate;
    }
    if (!mrn) throw conflict('Could not allocate a free MRN; pass one explicitly');
    const patient = await repo.insertPatient(tx, scope.organizationId, mrn, fields).catch((error: unknown) => {
      if ((error as { constraint_name?: string }).constraint_name === 'ehr_patients_mrn_unique') throw mrnTaken();
      throw error;
    });
    audit({ action: 'patient.create', entityType: 'patient', entityId: patient.id, after: patient });
    return patient;
  });
}

/** A date of birth is not after the organization's today (not the UTC date) nor before 1880. */
async function assertBornByToday(tx: Parameters<typeof repo.lockPatient>[0], organizationId: string, dateOfBirth: string | null | undefined) {
  if (dateOfBirth) pastOrTodayDate(dateOfBirth, 'dateOfBirth', await organizationTodayOf(tx, organizationId));
}

/** Locks the patient and checks the version the client saw. */
async function lockAtVersion(tx: Parameters<typeof repo.lockPatient>[0], organizationId: string, id: string, version: number) {
  return atVersion(await repo.lockPatient(tx, organizationId, id), version, 'Patient', id);
}

export async function updatePatient(
  ctx: TenantContext,
  id: string,
  version: number,
  changes: PatientInput,
): Promise<repo.PatientRow> {
  const clean = cleanFields(changes);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await assertBornByToday(tx, scope.organizationId, clean.dateOfBirth);
    const before = await lockAtVersion(tx, scope.organizationId, id, version);
    if (clean.dateOfBirth && before.deceasedAt) {
      assertBirthBeforeDeath(clean.dateOfBirth, before.deceasedAt, await organizationTimeZone(tx, scope.organizationId));
    }
    const after = await repo.updatePatientRow(tx, { ...before, ...clean } as repo.PatientRow);
    audit({ action: 'patient.update', entityType: 'patient', entityId: id, ...changedFields(before, after) });
    return after;
  });
}

/**
 * ACTIVE → INACTIVE or DECEASED. Recording a death checks the time of death (not in the future, not before
 * birth) and, in the same transaction, stops the care in force (patient-death-service). A death on record is
 * never changed here: only undoPatientDeath (ORG_ADMIN, with a reason) can.
 */
export async function deactivatePatient(
  ctx: TenantContext,
  input: { id: string; version: number; status: 'ACTIVE' | 'INACTIVE' | 'DECEASED'; deceasedAt: Date | null },
): Promise<repo.PatientRow> {
  if (input.status === 'ACTIVE') throw badInput('status must be INACTIVE or DECEASED', 'status');
  if (input.status === 'DECEASED' && !input.deceasedAt) throw badInput('deceasedAt is required when status is DECEASED', 'deceasedAt');
  if (input.status !== 'DECEASED' && input.deceasedAt) throw badInput('deceasedAt is only allowed with status DECEASED', 'deceasedAt');
  notFuture(input.deceasedAt, 'deceasedAt');
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await lockAtVersion(tx, scope.organizationId, input.id, input.version);
    assertNotAlreadyDeceased(before);
    if (input.deceasedAt) await assertNotBeforeBirthIn(tx, scope.organizationId, input.deceasedAt, before.dateOfBirth, 'deceasedAt');
    const after = await repo.updatePatientRow(tx, { ...before, status: input.status, deceasedAt: input.deceasedAt });
    audit({ action: 'patient.deactivate', entityType: 'patient', entityId: input.id, ...changedFields(before, after) });
    if (input.deceasedAt) await endCareAfterDeath(tx, scope.organizationId, audit, { id: input.id, deceasedAt: input.deceasedAt });
    return after;
  });
}

/**
 * Soft-deletes a registration made in error. Its appointments still to come are cancelled first (while the
 * patient's rows are still visible), so they no longer hold the providers' time; restorePatient does not
 * rebook them.
 */
export async function deletePatient(ctx: TenantContext, id: string, version: number): Promise<void> {
  await ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await lockAtVersion(tx, scope.organizationId, id, version);
    await cancelScheduleOfPatient(tx, scope.organizationId, audit, { patientId: id, endingAfter: new Date(), reason: 'Patient record deleted' });
    await repo.softDeletePatient(tx, scope.organizationId, id, version);
    audit({ action: 'patient.delete', entityType: 'patient', entityId: id, before });
  });
}

/**
 * Undoes deletePatient: the patient and every record of theirs (encounters,
 * orders, invoices, appointments, workflows, …) are visible again. Only a
 * deleted patient can be restored; anything else is NOT_FOUND.
 */
export async function restorePatient(ctx: TenantContext, id: string): Promise<repo.PatientRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const after = await repo.restoreDeletedPatient(tx, scope.organizationId, id);
    if (!after) throw notFound('Deleted patient', id);
    audit({ action: 'patient.restore', entityType: 'patient', entityId: id, after });
    return after;
  });
}

/** Turns free text into a prefix tsquery over 'simple' lexemes: `smi jo` → `smi:* & jo:*`. */
/** Longer text is no name or MRN; PostgreSQL also refuses tsquery words over 2 KB (an internal error, not the client's). */
const SEARCH_MAX_LENGTH = 200;

export function searchQuery(text: string | null | undefined): string | null {
  if (!text) return null;
  if (text.length > SEARCH_MAX_LENGTH) {
    throw badInput(`filter.search must be at most ${SEARCH_MAX_LENGTH} characters`, 'filter.search', { max: SEARCH_MAX_LENGTH });
  }
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+/u)
    .map((w) => w.replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `'${w}':*`).join(' & ') : null;
}
