import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, notFound } from '../kernel/errors.js';
import { organizationTimeZone } from './organization-calendar.js';
import { assertNotBeforeBirth, patientDeceased } from './patient-life-rules.js';
import { lockPatient, type PatientRow } from './patient-repository.js';

/**
 * The one place every new piece of care asks whether the patient is alive: encounters, lab and imaging orders,
 * prescriptions (patients domain) and appointments and queue entries (scheduling) all call assertPatientAlive.
 * It locks the patient row (FOR UPDATE), the same lock recording a death takes, so a prescription written while
 * the death is being recorded either commits first (and is stopped by it) or sees the death and is refused.
 */
export async function assertPatientAlive(tx: TransactionSql, organizationId: string, patientId: string, field = 'patientId'): Promise<PatientRow> {
  const patient = await lockPatient(tx, organizationId, patientId);
  if (!patient) throw notFound('Patient', patientId);
  if (patient.status === 'DECEASED') throw patientDeceased(patient, field);
  return patient;
}

/** The explicit path after death: a deceased patient, locked, for the encounter that documents the death. */
export async function requireDeceasedPatient(tx: TransactionSql, organizationId: string, patientId: string): Promise<PatientRow> {
  const patient = await lockPatient(tx, organizationId, patientId);
  if (!patient) throw notFound('Patient', patientId);
  if (patient.status !== 'DECEASED') {
    throw badInput('documentsDeath is only for a patient recorded as deceased (record the death with deactivatePatient first)', 'documentsDeath');
  }
  return patient;
}

const HOUR_MS = 3_600_000;

/**
 * `at` is not before the date of birth on the organization's calendar. Time zones are at most 14 hours from UTC,
 * so the zone is read only for an instant within a day of the birth date (the rare case that needs it).
 */
export async function assertNotBeforeBirthIn(
  tx: TransactionSql,
  organizationId: string,
  at: Date,
  dateOfBirth: string,
  field: string,
): Promise<void> {
  const birthUtc = Date.parse(`${dateOfBirth}T00:00:00Z`);
  if (at.getTime() >= birthUtc + 14 * HOUR_MS) return;
  const timeZone = at.getTime() < birthUtc - 14 * HOUR_MS ? 'UTC' : await organizationTimeZone(tx, organizationId);
  assertNotBeforeBirth(at, dateOfBirth, timeZone, field);
}
