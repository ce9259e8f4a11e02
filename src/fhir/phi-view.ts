import type { PhiFieldKinds, PhiKind } from '../kernel/auth/permissions.js';

/**
 * What of a record a viewer may read, decided by the GraphQL schema's own `@phi` classification and the
 * roles' PHI kinds (src/kernel/auth/phi.ts): every FHIR element names the GraphQL field its value comes from
 * (`'Patient.mrn'`), so a value GraphQL would mask for the viewer is left out of the resource. Naming a field
 * the schema does not have is a programming error, not a silent pass.
 */
export class PhiView {
  constructor(
    private readonly kinds: PhiFieldKinds,
    private readonly granted: ReadonlySet<PhiKind>,
  ) {}

  /** Whether the viewer reads GraphQL field `field` (`Type.field`). */
  reads(field: string): boolean {
    const kind = this.kinds.get(field);
    if (kind === undefined) throw new Error(`FHIR mapping names ${field}, which the GraphQL schema does not declare`);
    return kind === null || this.granted.has(kind);
  }

  /** `value` when the viewer reads `field`, else undefined (the element is left out); null becomes undefined too. */
  pick<T>(field: string, value: T | null | undefined): T | undefined {
    return this.reads(field) && value !== null && value !== undefined ? value : undefined;
  }
}
