import { BILLING_AUDIT_ACTIONS } from './billing/audit-actions.js';
import { IDENTITY_AUDIT_ACTIONS } from './identity/audit-actions.js';
import { OPERABILITY_AUDIT_ACTIONS } from './operability/audit-actions.js';
import { PATIENTS_AUDIT_ACTIONS } from './patients/audit-actions.js';
import { SCHEDULING_AUDIT_ACTIONS } from './scheduling/audit-actions.js';
import { WORKFLOWS_AUDIT_ACTIONS } from './workflows/audit-actions.js';

/**
 * Every audit action the application writes: each domain's list, merged. Add a
 * domain's list here (as in modules.ts) and its actions type-check everywhere
 * `audit({ action })` is called; anything else is a compile error.
 */
export const AUDIT_ACTIONS = [
  ...IDENTITY_AUDIT_ACTIONS,
  ...PATIENTS_AUDIT_ACTIONS,
  ...BILLING_AUDIT_ACTIONS,
  ...SCHEDULING_AUDIT_ACTIONS,
  ...WORKFLOWS_AUDIT_ACTIONS,
  ...OPERABILITY_AUDIT_ACTIONS,
] as const;

export type AppAuditAction = (typeof AUDIT_ACTIONS)[number];

/** The same list at runtime, e.g. for checking rows read back from audit_log. */
export const KNOWN_AUDIT_ACTIONS: ReadonlySet<string> = new Set<string>(AUDIT_ACTIONS);

declare module './kernel/audit.js' {
  // The kernel's registry of actions (see AuditActionRegistry) takes the application's.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- keys are the point
  interface AuditActionRegistry extends Record<AppAuditAction, true> {}
}
