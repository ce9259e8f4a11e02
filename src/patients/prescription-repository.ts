import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { type ChildRows, type KeysetSlice } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { sliceOfChildren } from '../kernel/keyset.js';
import { patientOfRecord } from '../kernel/table-rows.js';

/** One row of `prescriptions` as the API reads it. */
export interface PrescriptionRow extends RowStamps {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  prescriberId: string;
  medicationName: string;
  medicationCode: string | null;
  dosage: string;
  /** Exact numeric as a string. */
  doseAmount: string | null;
  doseUnit: string | null;
  route: string;
  frequency: string;
  durationDays: number | null;
  /** numeric(10,2) as a string. */
  quantity: string | null;
  refills: number;
  instructions: string | null;
  status: string;
  startDate: string;
  endDate: string | null;
  discontinuedAt: Date | null;
  discontinuedReason: string | null;
  allergyOverrideReason: string | null;
}

export function prescriptionsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<PrescriptionRow[]> {
  return tx<PrescriptionRow[]>`
    /* prescriptionsByIds */
    select id, organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage, dose_amount,
           dose_unit, route, frequency, duration_days, quantity, refills, instructions, status, start_date, end_date,
           discontinued_at, discontinued_reason, allergy_override_reason, created_at, updated_at, version
    from prescriptions
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** The prescriptions of many patients, newest first, optionally only some statuses. */
export async function prescriptionsByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  statuses: string[] | null,
  limit: number | null,
): Promise<PrescriptionRow[]> {
  return tx<PrescriptionRow[]>`
    /* prescriptionsByPatientIds */
    select r.* from unnest(${patientIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage, dose_amount,
             dose_unit, route, frequency, duration_days, quantity, refills, instructions, status, start_date, end_date,
             discontinued_at, discontinued_reason, allergy_override_reason, created_at, updated_at, version
      from prescriptions
      where organization_id = ${organizationId}::uuid and patient_id = parent.id
        and deleted_at is null and (${statuses}::text[] is null or status = any(${statuses}::text[]))
      order by start_date desc, created_at desc, id desc
      limit ${limit}::int
    ) r
    order by r.start_date desc, r.created_at desc, r.id desc
  `;
}

export async function prescriptionsByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<PrescriptionRow[]> {
  return tx<ChildRows<PrescriptionRow, 'encounterId'>>`
    /* prescriptionsByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage, dose_amount,
             dose_unit, route, frequency, duration_days, quantity, refills, instructions, status, start_date, end_date,
             discontinued_at, discontinued_reason, allergy_override_reason, created_at, updated_at, version
      from prescriptions
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

export interface NewPrescription {
  patientId: string;
  encounterId: string | null;
  prescriberId: string;
  medicationName: string;
  medicationCode: string | null;
  dosage: string;
  doseAmount: string | null;
  doseUnit: string | null;
  route: string;
  frequency: string;
  durationDays: number | null;
  quantity: string | null;
  refills: number;
  instructions: string | null;
  startDate: string;
  endDate: string | null;
  allergyOverrideReason: string | null;
}

export async function insertPrescription(tx: TransactionSql, organizationId: string, p: NewPrescription): Promise<PrescriptionRow> {
  const rows = await tx<PrescriptionRow[]>`
    /* insertPrescription */
    insert into prescriptions (organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code,
                               dosage, dose_amount, dose_unit, route, frequency, duration_days, quantity, refills,
                               instructions, status, start_date, end_date, allergy_override_reason)
    values (${organizationId}::uuid, ${p.patientId}::uuid, ${p.encounterId}::uuid, ${p.prescriberId}::uuid,
            ${p.medicationName}::text, ${p.medicationCode}::text, ${p.dosage}::text, ${p.doseAmount}::numeric,
            ${p.doseUnit}::text, ${p.route}::text, ${p.frequency}::text, ${p.durationDays}::int, ${p.quantity}::numeric,
            ${p.refills}::int, ${p.instructions}::text, 'ACTIVE', ${p.startDate}::date, ${p.endDate}::date,
            ${p.allergyOverrideReason}::text)
    returning id, organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage,
              dose_amount, dose_unit, route, frequency, duration_days, quantity, refills, instructions, status, start_date,
              end_date, discontinued_at, discontinued_reason, allergy_override_reason, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** The patient of a live prescription of the organization, or null. */
export const prescriptionPatientId = patientOfRecord(prescriptionsByIds);

export function lockPrescription(tx: TransactionSql, organizationId: string, id: string): Promise<PrescriptionRow | null> {
  return lockedRow(tx, 'lockPrescription', prescriptionsByIds(tx, organizationId, [id]));
}

/** The patient's prescriptions still in force (ACTIVE or ON_HOLD), oldest first: what a recorded death stops. */
export async function prescriptionIdsInForceOfPatient(tx: TransactionSql, organizationId: string, patientId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* prescriptionIdsInForceOfPatient */
    select id from prescriptions
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid and deleted_at is null
      and status in ('ACTIVE', 'ON_HOLD')
    order by created_at, id
  `;
  return rows.map((r) => r.id);
}

/** Writes the status columns of a locked prescription and bumps its version. */
export async function updatePrescriptionStatus(tx: TransactionSql, p: PrescriptionRow): Promise<PrescriptionRow> {
  const rows = await tx<PrescriptionRow[]>`
    /* updatePrescriptionStatus */
    update prescriptions set status = ${p.status}::text, discontinued_at = ${p.discontinuedAt}::timestamptz,
           discontinued_reason = ${p.discontinuedReason}::text, version = version + 1
    where organization_id = ${p.organizationId}::uuid and id = ${p.id}::uuid and version = ${p.version}::int
      and deleted_at is null
    returning id, organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage,
              dose_amount, dose_unit, route, frequency, duration_days, quantity, refills, instructions, status, start_date,
              end_date, discontinued_at, discontinued_reason, allergy_override_reason, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** One keyset slice of many patients' prescriptions (created_at, id order), changed since `slice.since`: FHIR export pages. */
export async function prescriptionSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(PrescriptionRow & { sortKey: string | null })[]> {
  return sliceOfChildren(
    tx,
    tx<(PrescriptionRow & { sortKey: string | null })[]>`
      /* prescriptionSlicesByPatientIds */
      select id, organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage, dose_amount,
      dose_unit, route, frequency, duration_days, quantity, refills, instructions, status, start_date, end_date,
      discontinued_at, discontinued_reason, allergy_override_reason, created_at, updated_at, version,
             cursor_timestamp(created_at)::text as sort_key
      from prescriptions
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'created_at',
  );
}
