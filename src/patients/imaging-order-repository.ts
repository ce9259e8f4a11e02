import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { type ChildRows, type KeysetSlice } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { sliceOfChildren } from '../kernel/keyset.js';
import { patientOfRecord } from '../kernel/table-rows.js';

/** One row of `imaging_orders` as the API reads it. */
export interface ImagingOrderRow extends RowStamps {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  orderedBy: string;
  modality: string;
  bodyPart: string;
  bodySystemId: string | null;
  laterality: string | null;
  contrast: boolean;
  /** Why contrast was ordered despite a matching allergy; null when none was overridden. */
  allergyOverrideReason: string | null;
  priority: string;
  status: string;
  clinicalIndication: string | null;
  findings: string | null;
  impression: string | null;
  orderedAt: Date;
  scheduledAt: Date | null;
  completedAt: Date | null;
  reportedAt: Date | null;
  reportedBy: string | null;
  cancelledAt: Date | null;
  cancellationReason: string | null;
}

export function imagingOrdersByIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
): PendingQuery<ImagingOrderRow[]> {
  return tx<ImagingOrderRow[]>`
    /* imagingOrdersByIds */
    select id, organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id, laterality,
           contrast, allergy_override_reason, priority, status, clinical_indication, findings, impression, ordered_at, scheduled_at, completed_at,
           reported_at, reported_by, cancelled_at, cancellation_reason, created_at, updated_at, version
    from imaging_orders
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** Imaging orders of many patients, newest order first within each patient. */
export async function imagingOrdersByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  statuses: string[] | null,
  limit: number | null,
): Promise<ImagingOrderRow[]> {
  return tx<ImagingOrderRow[]>`
    /* imagingOrdersByPatientIds */
    select r.* from unnest(${patientIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id, laterality,
             contrast, allergy_override_reason, priority, status, clinical_indication, findings, impression, ordered_at, scheduled_at, completed_at,
             reported_at, reported_by, cancelled_at, cancellation_reason, created_at, updated_at, version
      from imaging_orders
      where organization_id = ${organizationId}::uuid and patient_id = parent.id
        and deleted_at is null and (${statuses}::text[] is null or status = any(${statuses}::text[]))
      order by ordered_at desc, id desc
      limit ${limit}::int
    ) r
    order by r.ordered_at desc, r.id desc
  `;
}

/** Imaging orders of many encounters, oldest order first within each encounter. */
export async function imagingOrdersByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<ImagingOrderRow[]> {
  return tx<ChildRows<ImagingOrderRow, 'encounterId'>>`
    /* imagingOrdersByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id, laterality,
             contrast, allergy_override_reason, priority, status, clinical_indication, findings, impression, ordered_at, scheduled_at, completed_at,
             reported_at, reported_by, cancelled_at, cancellation_reason, created_at, updated_at, version
      from imaging_orders
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by ordered_at, id
      limit ${limit}::int
    ) r
    order by r.ordered_at, r.id
  `;
}

export interface NewImagingOrder {
  patientId: string;
  encounterId: string | null;
  orderedBy: string;
  modality: string;
  bodyPart: string;
  bodySystemId: string | null;
  laterality: string | null;
  contrast: boolean;
  /** Why contrast was ordered despite a matching allergy; null when none was overridden. */
  allergyOverrideReason: string | null;
  priority: string;
  clinicalIndication: string | null;
}

export async function insertImagingOrder(tx: TransactionSql, organizationId: string, o: NewImagingOrder): Promise<ImagingOrderRow> {
  const rows = await tx<ImagingOrderRow[]>`
    /* insertImagingOrder */
    insert into imaging_orders (organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id,
                                laterality, contrast, allergy_override_reason, priority, status, clinical_indication)
    values (${organizationId}::uuid, ${o.patientId}::uuid, ${o.encounterId}::uuid, ${o.orderedBy}::uuid, ${o.modality}::text,
            ${o.bodyPart}::text, ${o.bodySystemId}::uuid, ${o.laterality}::text, ${o.contrast}::boolean, ${o.allergyOverrideReason}::text, ${o.priority}::text,
            'ORDERED', ${o.clinicalIndication}::text)
    returning id, organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id, laterality,
              contrast, allergy_override_reason, priority, status, clinical_indication, findings, impression, ordered_at, scheduled_at, completed_at,
              reported_at, reported_by, cancelled_at, cancellation_reason, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** The patient of a live imaging order of the organization, or null. */
export const imagingOrderPatientId = patientOfRecord(imagingOrdersByIds);

export function lockImagingOrder(tx: TransactionSql, organizationId: string, id: string): Promise<ImagingOrderRow | null> {
  return lockedRow(tx, 'lockImagingOrder', imagingOrdersByIds(tx, organizationId, [id]));
}

/** The patient's imaging orders not yet begun (a recorded death cancels them). */
export async function unstartedImagingOrderIdsOfPatient(tx: TransactionSql, organizationId: string, patientId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* unstartedImagingOrderIdsOfPatient */
    select id from imaging_orders
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid and deleted_at is null
      and status in ('ORDERED', 'SCHEDULED')
    order by ordered_at, id
  `;
  return rows.map((r) => r.id);
}

/** Writes the life-cycle and report columns of a locked imaging order and bumps its version. */
export async function updateImagingOrderStatus(tx: TransactionSql, o: ImagingOrderRow): Promise<ImagingOrderRow> {
  const rows = await tx<ImagingOrderRow[]>`
    /* updateImagingOrderStatus */
    update imaging_orders set status = ${o.status}::text, findings = ${o.findings}::text, impression = ${o.impression}::text,
           scheduled_at = ${o.scheduledAt}::timestamptz, completed_at = ${o.completedAt}::timestamptz,
           reported_at = ${o.reportedAt}::timestamptz, reported_by = ${o.reportedBy}::uuid,
           cancelled_at = ${o.cancelledAt}::timestamptz, cancellation_reason = ${o.cancellationReason}::text,
           version = version + 1
    where organization_id = ${o.organizationId}::uuid and id = ${o.id}::uuid and version = ${o.version}::int
      and deleted_at is null
    returning id, organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id, laterality,
              contrast, allergy_override_reason, priority, status, clinical_indication, findings, impression, ordered_at, scheduled_at, completed_at,
              reported_at, reported_by, cancelled_at, cancellation_reason, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** One keyset slice of many patients' imaging orders (ordered_at, id order), changed since `slice.since`: FHIR export pages. */
export async function imagingOrderSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(ImagingOrderRow & { sortKey: string | null })[]> {
  return sliceOfChildren(
    tx,
    tx<(ImagingOrderRow & { sortKey: string | null })[]>`
      /* imagingOrderSlicesByPatientIds */
      select id, organization_id, patient_id, encounter_id, ordered_by, modality, body_part, body_system_id, laterality,
      contrast, allergy_override_reason, priority, status, clinical_indication, findings, impression, ordered_at, scheduled_at, completed_at,
      reported_at, reported_by, cancelled_at, cancellation_reason, created_at, updated_at, version,
             cursor_timestamp(ordered_at)::text as sort_key
      from imaging_orders
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'ordered_at',
  );
}
