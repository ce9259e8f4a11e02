import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { badInput, fromDatabaseError } from '../kernel/errors.js';
import { notFuture, optionalText, requiredText } from '../kernel/validation.js';
import * as findings from './anatomy-finding-repository.js';
import { requirePatient } from './encounter-service.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import { assertPatientAlive } from './patient-life.js';
import * as imaging from './imaging-order-repository.js';
import { assertImagingTransition, contrastClassOf } from './imaging-order-rules.js';
import { assertAllergySafe, overrideAuditDetails } from './allergy-check-service.js';
import type { CheckedProduct } from './allergy-check-rules.js';
import { atVersion } from '../kernel/concurrency.js';

/** Foreign-key failures of imaging and finding writes, as messages that name the input. */
export const IMAGING_REFERENCES = {
  imaging_orders_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
  imaging_orders_body_system_id_fkey: () => badInput('bodySystemId is not a known body system', 'bodySystemId'),
  anatomy_findings_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
  anatomy_findings_body_system_id_fkey: () => badInput('bodySystemId is not a known body system', 'bodySystemId'),
};

export interface OrderImagingInput {
  patientId: string;
  encounterId: string | null;
  modality: string;
  bodyPart: string;
  bodySystemId: string | null;
  laterality?: string | null;
  contrast?: boolean | null;
  priority?: string | null;
  clinicalIndication?: string | null;
  /** Why the order goes into a COMPLETED or CANCELLED encounter (a late entry). */
  lateEntryReason?: string | null;
  allergyOverrideReason?: string | null;
}

/** The contrast medium of an examination as a product for the allergy check; null without contrast. */
function contrastProduct(modality: string, contrast: boolean): CheckedProduct | null {
  const classCode = contrast ? contrastClassOf(modality) : null;
  if (!classCode) return null;
  const name = classCode === 'GADOLINIUM_CONTRAST' ? 'Gadolinium contrast' : 'Iodinated contrast';
  return {
    name: `${name} for ${modality}`,
    code: null,
    resolution: { normalized: name.toLowerCase(), matchKind: 'EXACT', matchedTerms: [name.toLowerCase()], ingredients: [], classCodes: [classCode] },
  };
}

export async function orderImaging(ctx: TenantContext, input: OrderImagingInput): Promise<imaging.ImagingOrderRow> {
  const values: imaging.NewImagingOrder = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    orderedBy: ctx.viewer.userId,
    modality: input.modality,
    bodyPart: requiredText(input.bodyPart, 'bodyPart', 200),
    bodySystemId: input.bodySystemId,
    laterality: input.laterality ?? null,
    contrast: input.contrast ?? false,
    allergyOverrideReason: null,
    priority: input.priority ?? 'ROUTINE',
    clinicalIndication: optionalText(input.clinicalIndication, 'clinicalIndication', 2000) ?? null,
  };
  const overrideReason = optionalText(input.allergyOverrideReason, 'allergyOverrideReason', 1000) ?? null;
  const contrastMedium = contrastProduct(values.modality, values.contrast);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await assertPatientAlive(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    // Contrast is checked against the patient's allergies exactly as a prescription is (allergy-check-service).
    const matched = contrastMedium
      ? await assertAllergySafe(tx, ctx.viewer, scope.organizationId, input.patientId, contrastMedium, overrideReason)
      : [];
    const overridden = matched.length > 0 ? overrideReason : null;
    const order = await imaging
      .insertImagingOrder(tx, scope.organizationId, { ...values, allergyOverrideReason: overridden })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, IMAGING_REFERENCES)));
    audit({ action: 'imaging_order.order', entityType: 'imaging_order', entityId: order.id, after: order });
    auditLateEntry(audit, late, 'imaging_order', order.id);
    if (overridden && contrastMedium) {
      audit({
        action: 'imaging_order.allergy_override',
        entityType: 'imaging_order',
        entityId: order.id,
        after: overrideAuditDetails(overridden, contrastMedium, matched),
      });
    }
    return order;
  });
}

/** Records that the images were acquired (→ COMPLETED, `completedAt` now), checking the client's version. */
export async function recordImagingAcquired(ctx: TenantContext, input: { id: string; version: number }): Promise<imaging.ImagingOrderRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await imaging.lockImagingOrder(tx, scope.organizationId, input.id), input.version, 'ImagingOrder', input.id);
    assertImagingTransition(before.status, 'COMPLETED');
    const after = await imaging.updateImagingOrderStatus(tx, { ...before, status: 'COMPLETED', completedAt: new Date() });
    audit({ action: 'imaging_order.acquire', entityType: 'imaging_order', entityId: input.id, ...changedFields(before, after) });
    return after;
  });
}

/** Files the report of acquired images (COMPLETED → REPORTED, see imaging-order-rules), checking the client's version. */
export async function reportImaging(
  ctx: TenantContext,
  input: { id: string; version: number; findings: string; impression: string },
): Promise<imaging.ImagingOrderRow> {
  const report = {
    findings: requiredText(input.findings, 'findings', 20000),
    impression: requiredText(input.impression, 'impression', 20000),
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await imaging.lockImagingOrder(tx, scope.organizationId, input.id), input.version, 'ImagingOrder', input.id);
    assertImagingTransition(before.status, 'REPORTED');
    const now = new Date();
    const after = await imaging.updateImagingOrderStatus(tx, {
      ...before,
      ...report,
      status: 'REPORTED',
      reportedAt: now,
      reportedBy: ctx.viewer.userId,
    });
    audit({ action: 'imaging_order.report', entityType: 'imaging_order', entityId: input.id, ...changedFields(before, after) });
    return after;
  });
}

export interface RecordAnatomyFindingInput {
  patientId: string;
  encounterId: string | null;
  bodySystemId: string;
  location?: string | null;
  laterality?: string | null;
  finding: string;
  severity?: string | null;
  notes?: string | null;
  observedAt: Date | null;
  /** Why the finding goes into a COMPLETED or CANCELLED encounter (a late entry). */
  lateEntryReason?: string | null;
}

export async function recordAnatomyFinding(
  ctx: TenantContext,
  input: RecordAnatomyFindingInput,
): Promise<findings.AnatomyFindingRow> {
  const values: findings.NewAnatomyFinding = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    bodySystemId: input.bodySystemId,
    recordedBy: ctx.viewer.userId,
    location: optionalText(input.location, 'location', 200) ?? null,
    laterality: input.laterality ?? null,
    finding: requiredText(input.finding, 'finding', 5000),
    severity: input.severity ?? null,
    notes: optionalText(input.notes, 'notes', 5000) ?? null,
    observedAt: notFuture(input.observedAt, 'observedAt') ?? new Date(),
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await requirePatient(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    const row = await findings
      .insertAnatomyFinding(tx, scope.organizationId, values)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, IMAGING_REFERENCES)));
    audit({ action: 'anatomy_finding.record', entityType: 'anatomy_finding', entityId: row.id, after: row });
    auditLateEntry(audit, late, 'anatomy_finding', row.id);
    return row;
  });
}
