/**
 * The permission matrix: the single place that says which role may do what.
 * Resolvers and services name a permission; they never test role names.
 */
export const ROLES = ['ORG_ADMIN', 'PHYSICIAN', 'NURSE', 'FRONT_DESK', 'BILLING', 'ANALYST'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'patients:read',
  'patients:write',
  'patients:admin',
  'clinical:read',
  'clinical:write',
  'clinical_notes:read',
  'prescriptions:write',
  'billing:read',
  'billing:write',
  'scheduling:read',
  'scheduling:write',
  'workflows:read',
  'workflows:write',
  'workflows:admin',
  'reports:read',
  'users:read',
  'users:admin',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const CLINICAL_READ: Permission[] = ['patients:read', 'clinical:read', 'clinical_notes:read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ORG_ADMIN: [...PERMISSIONS],
  PHYSICIAN: [
    ...CLINICAL_READ,
    'patients:write',
    'clinical:write',
    'prescriptions:write',
    'billing:read',
    'scheduling:read',
    'scheduling:write',
    'workflows:read',
    'workflows:write',
    'users:read',
  ],
  NURSE: [
    ...CLINICAL_READ,
    'patients:write',
    'clinical:write',
    'scheduling:read',
    'scheduling:write',
    'workflows:read',
    'workflows:write',
    'users:read',
  ],
  FRONT_DESK: [
    'patients:read',
    'patients:write',
    'billing:read',
    'scheduling:read',
    'scheduling:write',
    'workflows:read',
    'users:read',
  ],
  BILLING: ['patients:read', 'billing:read', 'billing:write', 'reports:read', 'workflows:read', 'users:read'],
  // Aggregates and reports only: may see clinical structure but never free-text notes.
  ANALYST: ['patients:read', 'clinical:read', 'billing:read', 'scheduling:read', 'workflows:read', 'reports:read'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r]));
}
