import { GraphQLError } from 'graphql';
import type { AppDeps } from '../deps.js';
import { beginWithin } from '../kernel/db/begin-within.js';
import { enterTenantScope } from '../kernel/db/tenant-scope.js';
import { makeViewer, type Viewer } from '../kernel/auth/viewer.js';
import { isRole } from '../kernel/auth/permissions.js';
import { activeUserOrganization, rolesByUserIds } from './repository.js';

const rejectToken = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/**
 * Verifies `Authorization: Bearer <token>` once per request. No header is an
 * anonymous request; a bad, expired or revoked token is refused outright.
 */
export async function authenticateBearer(deps: AppDeps, header: string | undefined): Promise<Viewer | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw rejectToken('Authorization header must be "Bearer <access token>"');
  const result = deps.tokens.verify(match[1]);
  if (!result.ok) {
    throw rejectToken(
      result.reason === 'expired'
        ? 'Access token expired; call refreshSession for a new one'
        : 'Access token is invalid',
    );
  }
  const { userId, organizationId } = result.claims;
  const viewer = deps.viewerCache.get(userId, organizationId) ?? (await deps.viewerCache.lookup(userId, organizationId, async () => {
    const status = await beginWithin(
      deps.db,
      deps.limits.acquireTimeoutMs,
      async (tx, probe) => {
        await enterTenantScope(tx, { organizationId, userId, requestId: 'authenticate' }, deps.limits.queryTimeoutMs, { probe });
        const organization = await activeUserOrganization(tx, userId, organizationId);
        if (!organization) return null;
        return { organization, roles: (await rolesByUserIds(tx, [userId])).map((r) => r.roleCode) };
      },
      'auth',
    );
    // Built only from what the database answered, never from the token's claims.
    return status ? makeViewer(userId, status.organization, status.roles.filter(isRole)) : null;
  }));
  if (!viewer || viewer.organizationId !== organizationId) {
    throw rejectToken('This account is deactivated or no longer exists; sign in again');
  }
  return viewer;
}
