import type { TenantSession } from '../kernel/db/tenant-session.js';
import { badInput, conflict } from '../kernel/errors.js';
import { matching, requiredText } from '../kernel/validation.js';
import * as organizations from './organization-repository.js';
import type { OrganizationRow } from './organization-repository.js';
import type { UserRow } from './repository.js';
import { insertPreparedUser, prepareUser, type CreateUserInput } from './service.js';

/** The same rule as the `organizations.slug` check constraint, said in words. */
const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface CreateOrganizationInput {
  name: string;
  slug: string;
  /** IANA time zone; UTC when absent. */
  timezone?: string | null;
  /** The first ORG_ADMIN of the organization. */
  admin: Omit<CreateUserInput, 'roles'>;
}

function validTimezone(value: string | null | undefined): string {
  const timezone = value?.trim() || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw badInput(`timezone must be an IANA time zone such as Europe/Berlin, got "${timezone}"`, 'timezone');
  }
  return timezone;
}

/**
 * Creates an organization and its first ORG_ADMIN in one transaction with both
 * audit rows. `session` must be scoped to the new organization's id (chosen by the
 * caller) and run as a role that may insert organizations: the database owner,
 * as the admin CLI does (src/identity/operator.ts); the API's roles may not.
 */
export async function createOrganization(
  ctx: { session: TenantSession },
  input: CreateOrganizationInput,
): Promise<{ organization: OrganizationRow; admin: UserRow }> {
  const name = requiredText(input.name, 'name', 200);
  const slug = matching(input.slug.trim(), 'slug', SLUG, '1–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen (e.g. "northwind")')!;
  const timezone = validTimezone(input.timezone);
  const admin = await prepareUser({ ...input.admin, roles: ['ORG_ADMIN'] });
  return ctx.session.write(async (work) => {
    const organization = await organizations
      .insertOrganization(work.tx, { id: work.scope.organizationId, name, slug, timezone })
      .catch((error: unknown) => {
        if ((error as { constraint_name?: string }).constraint_name === 'organizations_slug_key') {
          throw conflict(`An organization with the slug "${slug}" already exists`, { field: 'slug' });
        }
        throw error;
      });
    work.audit({ action: 'organization.create', entityType: 'organization', entityId: organization.id, after: organization });
    return { organization, admin: await insertPreparedUser(work, admin) };
  });
}
