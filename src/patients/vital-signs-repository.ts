import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { type ChildRows, type KeysetSlice } from '../kernel/pagination.js';
import { childList, sliceOfChildren } from '../kernel/keyset.js';
import { lockedRow } from '../kernel/row-lock.js';

export interface VitalSignsRow {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  recordedBy: string | null;
  recordedAt: Date;
  systolicBp: number | null;
  diastolicBp: number | null;
  heartRate: number | null;
  respiratoryRate: number | null;
  temperatureC: string | null;
  spo2: number | null;
  weightKg: string | null;
  heightCm: string | null;
  painScore: number | null;
  notes: string | null;
  isAbnormal: boolean;
  abnormalFlags: string[];
  /** `recorded_at` with microseconds, for cursors. */
  sortKey: string | null;
}

export function vitalSignsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<VitalSignsRow[]> {
  return tx<VitalSignsRow[]>`
    /* vitalSignsByIds */
    select id, organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp, heart_rate,
           respiratory_rate, temperature_c, spo2, weight_kg, height_cm, pain_score, notes, is_abnormal, abnormal_flags,
           cursor_timestamp(recorded_at)::text as sort_key
    from vital_signs
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

export async function vitalSignsByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<VitalSignsRow[]> {
  return tx<ChildRows<VitalSignsRow, 'encounterId'>>`
    /* vitalSignsByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp, heart_rate,
             respiratory_rate, temperature_c, spo2, weight_kg, height_cm, pain_score, notes, is_abnormal, abnormal_flags,
             cursor_timestamp(recorded_at)::text as sort_key
      from vital_signs
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by recorded_at, id
      limit ${limit}::int
    ) r
    order by r.recorded_at, r.id
  `;
}

/** The organization's live vital-sign sets: what `Patient.vitalSigns` pages and counts. */
function liveVitalSigns(tx: TransactionSql, organizationId: string): PendingQuery<VitalSignsRow[]> {
  return tx<VitalSignsRow[]>`
    /* liveVitalSigns */
    select v.id, v.organization_id, v.patient_id, v.encounter_id, v.recorded_by, v.recorded_at, v.systolic_bp,
           v.diastolic_bp, v.heart_rate, v.respiratory_rate, v.temperature_c, v.spo2, v.weight_kg, v.height_cm,
           v.pain_score, v.notes, v.is_abnormal, v.abnormal_flags,
           cursor_timestamp(v.recorded_at)::text as sort_key
    from vital_signs v
    where v.organization_id = ${organizationId}::uuid
      and v.deleted_at is null
  `;
}

/** `Patient.vitalSigns`: newest first. */
export const vitalSignsOfPatients = childList(liveVitalSigns, 'patient_id', { column: 'recorded_at', type: 'timestamptz', order: 'desc' });

export interface NewVitalSigns {
  patientId: string;
  encounterId: string | null;
  recordedBy: string | null;
  recordedAt: Date;
  systolicBp: number | null;
  diastolicBp: number | null;
  heartRate: number | null;
  respiratoryRate: number | null;
  temperatureC: string | null;
  spo2: number | null;
  weightKg: string | null;
  heightCm: string | null;
  painScore: number | null;
  notes: string | null;
  abnormalFlags: string[];
}

export async function insertVitalSigns(tx: TransactionSql, organizationId: string, v: NewVitalSigns): Promise<VitalSignsRow> {
  const rows = await tx<VitalSignsRow[]>`
    /* insertVitalSigns */
    insert into vital_signs (organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp,
                             heart_rate, respiratory_rate, temperature_c, spo2, weight_kg, height_cm, pain_score, notes,
                             is_abnormal, abnormal_flags)
    values (${organizationId}::uuid, ${v.patientId}::uuid, ${v.encounterId}::uuid, ${v.recordedBy}::uuid, ${v.recordedAt},
            ${v.systolicBp}::int, ${v.diastolicBp}::int, ${v.heartRate}::int, ${v.respiratoryRate}::int,
            ${v.temperatureC}::numeric, ${v.spo2}::int, ${v.weightKg}::numeric, ${v.heightCm}::numeric,
            ${v.painScore}::int, ${v.notes}, ${v.abnormalFlags.length > 0}::boolean, ${v.abnormalFlags}::text[])
    returning id, organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp, heart_rate,
              respiratory_rate, temperature_c, spo2, weight_kg, height_cm, pain_score, notes, is_abnormal, abnormal_flags,
              cursor_timestamp(recorded_at)::text as sort_key
  `;
  return rows[0]!;
}

/** A vital-sign set withdrawn as entered in error (table `vital_signs_entered_in_error`). */
export interface VitalSignsEnteredInErrorRow {
  organizationId: string;
  vitalSignsId: string;
  reason: string;
  markedBy: string;
  markedAt: Date;
}

export async function vitalSignsErrorsByIds(
  tx: TransactionSql,
  organizationId: string,
  vitalSignsIds: readonly string[],
): Promise<VitalSignsEnteredInErrorRow[]> {
  return tx<VitalSignsEnteredInErrorRow[]>`
    /* vitalSignsErrorsByIds */
    select organization_id, vital_signs_id, reason, marked_by, marked_at
    from vital_signs_entered_in_error
    where organization_id = ${organizationId}::uuid and vital_signs_id = any(${vitalSignsIds as string[]}::uuid[])
  `;
}

/** Locks a live vital-sign set of the organization. */
export function lockVitalSigns(tx: TransactionSql, organizationId: string, id: string): Promise<VitalSignsRow | null> {
  return lockedRow(tx, 'lockVitalSigns', vitalSignsByIds(tx, organizationId, [id]));
}

/** Records the withdrawal; null when the set was already withdrawn. */
export async function insertVitalSignsError(
  tx: TransactionSql,
  organizationId: string,
  e: { vitalSignsId: string; reason: string; markedBy: string },
): Promise<VitalSignsEnteredInErrorRow | null> {
  const rows = await tx<VitalSignsEnteredInErrorRow[]>`
    /* insertVitalSignsError */
    insert into vital_signs_entered_in_error (organization_id, vital_signs_id, reason, marked_by)
    values (${organizationId}::uuid, ${e.vitalSignsId}::uuid, ${e.reason}::text, ${e.markedBy}::uuid)
    on conflict (organization_id, vital_signs_id) do nothing
    returning organization_id, vital_signs_id, reason, marked_by, marked_at
  `;
  return rows[0] ?? null;
}

/** One keyset slice of many patients' vital-sign sets (recorded_at, id order), changed since `slice.since`: FHIR export pages. */
export async function vitalSignsSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(VitalSignsRow)[]> {
  return sliceOfChildren(
    tx,
    tx<(VitalSignsRow)[]>`
      /* vitalSignsSlicesByPatientIds */
      select id, organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp, heart_rate,
      respiratory_rate, temperature_c, spo2, weight_kg, height_cm, pain_score, notes, is_abnormal, abnormal_flags,
             cursor_timestamp(recorded_at)::text as sort_key
      from vital_signs
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'recorded_at',
  );
}
