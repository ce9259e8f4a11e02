import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, notFound } from '../kernel/errors.js';
import { lockPatient } from '../patients/patient-repository.js';
import { activeUserExists } from './appointment-repository.js';
import { departmentForUse } from './department-repository.js';

/**
 * Checks of the records a booking or queue entry points at, made inside the
 * writing transaction. Foreign keys already keep every reference inside the
 * organization; these add the live-record rules and name the offending input.
 */

/** The patient exists, is not deleted or deceased; locked against concurrent deletion and double queueing. */
export async function requireSchedulablePatient(tx: TransactionSql, organizationId: string, patientId: string) {
  const patient = await lockPatient(tx, organizationId, patientId);
  if (!patient) throw notFound('Patient', patientId);
  if (patient.status === 'DECEASED') throw badInput('The patient is recorded as deceased', 'patientId');
  return patient;
}

/** The provider is an active user of the organization. */
export async function requireActiveProvider(tx: TransactionSql, organizationId: string, providerId: string, field = 'providerId') {
  if (!(await activeUserExists(tx, organizationId, providerId))) {
    throw badInput(`${field} is not an active user of your organization`, field);
  }
}

/** The department exists in the organization and is active; share-locked so it cannot be deactivated meanwhile. */
export async function requireActiveDepartment(tx: TransactionSql, organizationId: string, departmentId: string, field = 'departmentId') {
  const department = await departmentForUse(tx, organizationId, departmentId);
  if (!department) throw badInput(`${field} is not a department of your organization`, field);
  if (!department.active) throw badInput(`Department ${department.code} is deactivated`, field);
  return department;
}
