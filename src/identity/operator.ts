import { randomUUID } from 'node:crypto';
import type { Database } from '../kernel/db/pool.js';
import type { SessionLimits } from '../kernel/db/tenant-session.js';
import { TenantSession } from '../kernel/db/tenant-session.js';
import { notFound } from '../kernel/errors.js';
import { createOrganization, type CreateOrganizationInput } from './organization-service.js';
import * as organizations from './organization-repository.js';
import * as repo from './repository.js';
import * as service from './service.js';
import { ViewerCache } from './viewer-cache.js';

/**
 * The operator's side of identity: what `npm run admin` (scripts/admin.ts) runs,
 * outside any request, over the migration role's connection. Every change goes
 * through the identity services, in one transaction with its audit rows; those
 * rows have no actor user and a request id `admin-cli-<uuid>`.
 *
 * Its sessions keep the connecting role (`none`: no switch to health_app), the
 * database owner, because only the owner may create organizations; looking an
 * account up by e-mail crosses organizations, so that role must be a superuser
 * or have BYPASSRLS (as demo seeding needs, README "Database roles").
 */
export class Operator {
  /** One id for every change of this command, so its audit rows are found together. */
  readonly requestId = `admin-cli-${randomUUID()}`;

  constructor(
    private readonly db: Database,
    private readonly limits: SessionLimits,
  ) {}

  /** Fails with an actionable message when the role cannot act across organizations. */
  async assertPrivileged(): Promise<void> {
    const ok = await this.db.sql.begin((tx) => organizations.roleSeesEveryOrganization(tx));
    if (!ok) {
      throw new Error(
        'the admin commands act across organizations: the role of MIGRATION_DATABASE_URL (else DATABASE_URL) must be a superuser or have BYPASSRLS',
      );
    }
  }

  private session(organizationId: string): TenantSession {
    return new TenantSession(this.db, { organizationId, userId: null, requestId: this.requestId }, this.limits, () => 'admin-cli', undefined, { role: 'none' });
  }

  /** The administration context of one organization: no viewer (the operator is no user of it). */
  private administration(organizationId: string): service.AdministrationContext {
    // A cache of its own: API processes see the change within VIEWER_CACHE_TTL_MS (revoked tokens at once).
    return { session: this.session(organizationId), viewer: null, deps: { viewerCache: new ViewerCache(0) } };
  }

  createOrganization(input: CreateOrganizationInput) {
    return createOrganization({ session: this.session(randomUUID()) }, input);
  }

  async createUser(organizationSlug: string, input: service.CreateUserInput) {
    const organization = await this.organization(organizationSlug);
    return { organization, user: await service.createUser(this.administration(organization.id), input) };
  }

  async resetPassword(email: string, password: string) {
    const account = await this.account(email);
    return service.resetPassword(this.administration(account.organizationId), account.id, password);
  }

  /** Deactivates the account (and revokes its sessions); an already inactive account is left as it is. */
  async deactivateUser(email: string): Promise<{ user: repo.UserRow | null; alreadyInactive: boolean }> {
    const account = await this.account(email);
    if (!account.userActive) return { user: null, alreadyInactive: true };
    return { user: await service.deactivateUser(this.administration(account.organizationId), account.id), alreadyInactive: false };
  }

  private async organization(slug: string) {
    const organization = await this.db.sql.begin((tx) => organizations.organizationBySlug(tx, slug.trim()));
    if (!organization) throw notFound('Organization', slug);
    return organization;
  }

  private async account(email: string) {
    const account = await this.db.sql.begin((tx) => repo.loginAccountByEmail(tx, email.trim().toLowerCase()));
    if (!account) throw notFound('User', email);
    const [user] = await this.db.sql.begin((tx) => repo.usersByIds(tx, account.organizationId, [account.id]));
    return { ...account, userActive: user!.active };
  }
}
