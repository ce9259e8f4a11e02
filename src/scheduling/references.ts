import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput } from '../kernel/errors.js';
import { requireClinicalProvider } from '../identity/providers.js';
import { assertPatientAlive } from '../patients/patient-life.js';
import { departmentForUse } from './department-repository.js';
import { assertQueueDepartment } from './opd-queue-rules.js';

/**
 * Checks of the records a booking or queue entry points at, made inside the
 * writing transaction. Foreign keys already keep every reference inside the
 * organization; these add the live-record rules and name the offending input.
 */

/**
 * The patient exists, is not deleted and is alive (the patients domain's one rule, assertPatientAlive: a
 * deceased patient is CONFLICT, reason PATIENT_DECEASED); locked against concurrent deletion, death and double
 * queueing.
 */
export async function requireSchedulablePatient(tx: TransactionSql, organizationId: string, patientId: string) {
  return assertPatientAlive(tx, organizationId, patientId);
}

/** The provider is an active clinician (PHYSICIAN or NURSE) of the organization. */
export async function requireActiveProvider(tx: TransactionSql, organizationId: string, providerId: string, field = 'providerId') {
  await requireClinicalProvider(tx, organizationId, providerId, field);
}

/** The department exists in the organization and is active; share-locked so it cannot be deactivated meanwhile. */
export async function requireActiveDepartment(tx: TransactionSql, organizationId: string, departmentId: string, field = 'departmentId') {
  const department = await departmentForUse(tx, organizationId, departmentId);
  if (!department) throw badInput(`${field} is not a department of your organization`, field);
  if (!department.active) throw badInput(`Department ${department.code} is deactivated`, field);
  return department;
}

/** A department whose OPD queue patients can join: active, and clinical (opd-queue-rules). */
export async function requireQueueDepartment(tx: TransactionSql, organizationId: string, departmentId: string, field = 'departmentId') {
  const department = await requireActiveDepartment(tx, organizationId, departmentId, field);
  assertQueueDepartment(department, field);
  return department;
}
