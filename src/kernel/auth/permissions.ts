/**
 * The permission matrix: the single place that says which role may do what.
 * Resolvers and services name a permission; they never test role names.
 */
export const ROLES = ['ORG_ADMIN', 'PHYSICIAN', 'NURSE', 'FRONT_DESK', 'BILLING', 'ANALYST', 'COMPLIANCE_OFFICER'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'patients:read',
  'patients:write',
  'patients:admin',
  'clinical:read',
  'clinical:write',
  'clinical:admin',
  'clinical_notes:read',
  'prescriptions:write',
  'allergies:override',
  'notes:sign',
  'lab_results:verify',
  'imaging:report',
  'drug_vocabulary:admin',
  'billing:read',
  'billing:write',
  'billing:adjust',
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

/**
 * Acts of clinical authority: prescribing, overriding an allergy alert, verifying results, reporting imaging.
 * They belong to the clinicians who answer for them, never to an administrator as such (a user who is both
 * holds both roles). Signing a note is also limited to its author or named co-signer (clinical-note-rules).
 */
const CLINICAL_AUTHORITY: readonly Permission[] = [
  'prescriptions:write',
  'allergies:override',
  'lab_results:verify',
  'imaging:report',
  'notes:sign',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ORG_ADMIN: PERMISSIONS.filter((p) => !CLINICAL_AUTHORITY.includes(p)),
  PHYSICIAN: [
    ...CLINICAL_READ,
    'patients:write',
    'clinical:write',
    ...CLINICAL_AUTHORITY,
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
    // their own notes (nursing, triage): signing stays the author's act
    'notes:sign',
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
  // billing:adjust: the billing office writes off and credits balances (ORG_ADMIN has it too, as every permission).
  BILLING: ['patients:read', 'billing:read', 'billing:write', 'billing:adjust', 'reports:read', 'workflows:read', 'users:read'],
  // Aggregates and reports only: may see clinical structure but never free-text notes.
  ANALYST: ['patients:read', 'clinical:read', 'billing:read', 'scheduling:read', 'workflows:read', 'reports:read'],
  // Access reviews and accountings of disclosures: the audit trail, the staff who appear in it and the
  // patients it concerns (to identify whose record it is), never clinical, billing or scheduling records.
  COMPLIANCE_OFFICER: ['audit:read', 'patients:read', 'users:read'],
};

/**
 * Roles whose holders may be the responsible provider of an appointment or an encounter: the clinicians who see
 * patients. ORG_ADMIN, FRONT_DESK, BILLING and ANALYST hold none of them (a physician who also administers the
 * organization holds PHYSICIAN as well). The rule lives here, beside the matrix, so services never name roles.
 */
export const PROVIDER_ROLES: readonly Role[] = ['PHYSICIAN', 'NURSE'];

/**
 * Kinds of patient data a field of the schema can hold; every text, JSON and date field of a
 * patient-bearing type declares one with `@phi(kind:)` (see src/kernel/auth/phi.ts).
 * - IDENTIFIER: names, MRN, birth date, contact details, street address, policy numbers (HIPAA Safe Harbor identifiers).
 * - DEMOGRAPHIC: non-identifying demographics (gender identity, language, birth year, region, country).
 * - CLINICAL_CODED: structured clinical data (codes, medication names, doses, result values, clinical dates).
 * - CLINICAL_TEXT: clinical free text (notes, complaints, reasons, instructions, findings, indications).
 * - OPERATIONAL_TEXT: free text front desk, billing and workflow staff write about a patient's visit or account.
 * - ADMINISTRATIVE: operational values holding no health information (currency, document numbers, workflow state names).
 */
export const PHI_KINDS = [
  'IDENTIFIER',
  'DEMOGRAPHIC',
  'CLINICAL_CODED',
  'CLINICAL_TEXT',
  'OPERATIONAL_TEXT',
  'ADMINISTRATIVE',
] as const;
export type PhiKind = (typeof PHI_KINDS)[number];

/**
 * `Type.field` → its `@phi` kind (null: unclassified, read by every role that reads the type), for every
 * field of every object type (`phiFieldKinds` in ./phi.ts builds it from the schema). Other renderings of the
 * same records (the FHIR API, src/fhir/) name the GraphQL field each value comes from and mask it by this
 * map and ROLE_PHI_KINDS: one rule, one place.
 */
export type PhiFieldKinds = ReadonlyMap<string, PhiKind | null>;

const STAFF_PHI: PhiKind[] = ['IDENTIFIER', 'DEMOGRAPHIC', 'CLINICAL_CODED', 'OPERATIONAL_TEXT', 'ADMINISTRATIVE'];

/**
 * Which kinds of patient data each role reads. A field of a kind the viewer's roles do not grant
 * resolves to null (masked), never an error. ANALYST reads coded and aggregate data only
 * (HIPAA Safe Harbor style: no identifiers, no free text; birth date as `Patient.birthYear`).
 */
export const ROLE_PHI_KINDS: Record<Role, readonly PhiKind[]> = {
  ORG_ADMIN: [...PHI_KINDS],
  PHYSICIAN: [...PHI_KINDS],
  NURSE: [...PHI_KINDS],
  FRONT_DESK: STAFF_PHI,
  BILLING: STAFF_PHI,
  ANALYST: ['DEMOGRAPHIC', 'CLINICAL_CODED', 'ADMINISTRATIVE'],
  // Identifies patients (name, MRN, birth date: an accounting is produced for a named person) but reads
  // no free text; with no clinical permission, no clinical record reaches it (CLINICAL_CODED is listed
  // so the coded fields every other role reads may stay non-null). Audit rows' before/after values are
  // CLINICAL_TEXT (AuditEvent.changes): it sees which fields changed (AuditEvent.changedFields), not to what.
  COMPLIANCE_OFFICER: ['IDENTIFIER', 'DEMOGRAPHIC', 'CLINICAL_CODED', 'ADMINISTRATIVE'],
};

export function phiKindsOf(roles: readonly Role[]): ReadonlySet<PhiKind> {
  return new Set(roles.flatMap((r) => ROLE_PHI_KINDS[r]));
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r]));
}
