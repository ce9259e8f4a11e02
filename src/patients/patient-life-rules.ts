import { badInput, conflict, type DomainError } from '../kernel/errors.js';
import { organizationToday } from '../kernel/organization-time.js';

/**
 * Life and death of a patient as rules: a clinical time lies between the date of birth and now, and a patient
 * recorded as deceased gets no new care (encounters, orders, prescriptions, appointments). Pure; the
 * transaction-bound checks that use them are in patient-life.ts.
 */

/** Extension `reason` of the refusal of new care for a deceased patient. */
export const PATIENT_DECEASED = 'PATIENT_DECEASED';

export function patientDeceased(patient: { deceasedAt: Date | null }, field = 'patientId'): DomainError {
  const when = patient.deceasedAt ? ` at ${patient.deceasedAt.toISOString()}` : '';
  return conflict(
    `The patient is recorded as deceased${when}: no new encounters, orders, prescriptions or appointments ` +
      '(document the death in an encounter created with documentsDeath: true; an organization administrator can undo a death recorded in error with undoPatientDeath)',
    { field, reason: PATIENT_DECEASED, deceasedAt: patient.deceasedAt?.toISOString() ?? null },
  );
}

/** `at` falls on or after the date of birth, on the organization's calendar (a date of birth is a local date). */
export function assertNotBeforeBirth(at: Date, dateOfBirth: string, timeZone: string, field: string): void {
  if (organizationToday(timeZone, at) < dateOfBirth) {
    throw badInput(`${field} ${at.toISOString()} is before the patient's date of birth (${dateOfBirth})`, field, { dateOfBirth });
  }
}

/** A corrected date of birth of a deceased patient cannot fall after the death. */
export function assertBirthBeforeDeath(dateOfBirth: string, deceasedAt: Date | null, timeZone: string): void {
  if (deceasedAt && organizationToday(timeZone, deceasedAt) < dateOfBirth) {
    throw badInput(`dateOfBirth ${dateOfBirth} is after the recorded time of death (${deceasedAt.toISOString()})`, 'dateOfBirth');
  }
}
