import type { TenantContext } from '../context.js';
import { notFound } from '../kernel/errors.js';
import { uuidFromId } from '../kernel/global-id.js';
import { patientOnRecord } from './audit-trail-repository.js';

/**
 * The patient a compliance query is about: a patient of the viewer's organization (soft-deleted ones
 * included, whose log stays readable), else NOT_FOUND — another organization's id, guessed or not,
 * answers exactly as an unknown one. Reading a patient's access log or accounting is an access to
 * that patient's record, so the request is recorded in the PHI access log like any other read.
 */
export async function patientUnderReview(ctx: TenantContext, id: string, field = 'patientId'): Promise<string> {
  const { session } = ctx;
  const patientId = uuidFromId(id, 'Patient', field);
  const org = session.scope.organizationId;
  if (!(await session.read((tx) => patientOnRecord(tx, org, patientId)))) throw notFound('Patient', id);
  session.notePatientAccess([patientId]);
  return patientId;
}
