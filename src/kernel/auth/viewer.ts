import { forbidden } from '../errors.js';
import { permissionsOf, phiKindsOf, type Permission, type PhiKind, type Role } from './permissions.js';

/** The authenticated user of a request. The organization always comes from here, never from input. */
export interface Viewer {
  userId: string;
  organizationId: string;
  roles: readonly Role[];
  permissions: ReadonlySet<Permission>;
  /** Kinds of patient data the roles read (src/kernel/auth/phi.ts masks the rest). */
  phiKinds: ReadonlySet<PhiKind>;
}

export function makeViewer(userId: string, organizationId: string, roles: readonly Role[]): Viewer {
  return { userId, organizationId, roles, permissions: permissionsOf(roles), phiKinds: phiKindsOf(roles) };
}

export function assertPermission(viewer: Viewer, permission: Permission): void {
  if (!viewer.permissions.has(permission)) {
    throw forbidden(`Your role does not grant ${permission}`);
  }
}
