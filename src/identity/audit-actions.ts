/** The audit actions of the identity domain (sign-in and user administration). */
export const IDENTITY_AUDIT_ACTIONS = [
  'auth.login.success',
  'auth.login.failure',
  'auth.refresh',
  'auth.refresh.reuse',
  'auth.logout',
  'user.create',
  'user.update',
  'user.deactivate',
  'user.role.assign',
  'user.role.revoke',
  'user.password.reset',
  'organization.create',
] as const;
