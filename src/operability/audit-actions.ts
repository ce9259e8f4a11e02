/** Audit actions recorded by the server itself rather than a domain service. */
export const OPERABILITY_AUDIT_ACTIONS = [
  /** A signed-in user's mutation was refused (FORBIDDEN, NOT_FOUND, CONFLICT); see mutation-refusals.ts. */
  'mutation.refused',
] as const;
