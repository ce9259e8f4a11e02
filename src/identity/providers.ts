import { PROVIDER_ROLES } from '../kernel/auth/permissions.js';
import type { Viewer } from '../kernel/auth/viewer.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput } from '../kernel/errors.js';
import { activeUserHoldsRole } from './provider-repository.js';

/**
 * The one check that a user may be the responsible provider of an appointment or an encounter: an active member
 * of the organization holding a clinical role (PROVIDER_ROLES). A BILLING clerk or a bare ORG_ADMIN cannot be.
 */
export async function requireClinicalProvider(
  tx: TransactionSql,
  organizationId: string,
  userId: string,
  field = 'providerId',
  viewer: Pick<Viewer, 'userId' | 'roles'> | null = null,
) {
  // The viewer as provider (the usual encounter): its roles were verified with its membership for this request.
  if (viewer?.userId === userId && viewer.roles.some((role) => PROVIDER_ROLES.includes(role))) return;
  if (!(await activeUserHoldsRole(tx, organizationId, userId, PROVIDER_ROLES))) {
    throw badInput(
      `${field} must be an active ${PROVIDER_ROLES.join(' or ')} of your organization: only clinicians can be an appointment's or encounter's provider`,
      field,
      { requiredRoles: [...PROVIDER_ROLES] },
    );
  }
}
