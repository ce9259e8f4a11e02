import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { type ChildRows, type KeysetSlice } from '../kernel/pagination.js';
import { childList, sliceOfChildren } from '../kernel/keyset.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { patientOfRecord } from '../kernel/table-rows.js';

/** One row of `lab_tests` as the API reads it. */
export interface LabTestRow extends RowStamps {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  orderedBy: string;
  testCode: string | null;
  testName: string;
  specimenType: string | null;
  priority: string;
  status: string;
  clinicalIndication: string | null;
  notes: string | null;
  orderedAt: Date;
  collectedAt: Date | null;
  resultedAt: Date | null;
  cancelledAt: Date | null;
  cancellationReason: string | null;
}

/** One row of `lab_results`; numeric columns arrive as exact decimal strings. */
export interface LabResultRow {
  id: string;
  organizationId: string;
  labTestId: string;
  patientId: string;
  analyte: string;
  analyteCode: string | null;
  resultValue: string;
  resultNumeric: string | null;
  resultUnit: string | null;
  referenceRange: string | null;
  referenceLow: string | null;
  referenceHigh: string | null;
  abnormalFlag: string | null;
  status: string;
  notes: string | null;
  resultedAt: Date;
  resultedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `resulted_at` rendered with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

export function labTestsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<LabTestRow[]> {
  return tx<LabTestRow[]>`
    /* labTestsByIds */
    select id, organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type, priority,
           status, clinical_indication, notes, ordered_at, collected_at, resulted_at, cancelled_at, cancellation_reason,
           created_at, updated_at, version
    from lab_tests
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** Lab tests of many patients, newest order first within each patient. */
export async function labTestsByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  statuses: string[] | null,
  limit: number | null,
): Promise<LabTestRow[]> {
  return tx<LabTestRow[]>`
    /* labTestsByPatientIds */
    select r.* from unnest(${patientIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type, priority,
             status, clinical_indication, notes, ordered_at, collected_at, resulted_at, cancelled_at, cancellation_reason,
             created_at, updated_at, version
      from lab_tests
      where organization_id = ${organizationId}::uuid and patient_id = parent.id
        and deleted_at is null and (${statuses}::text[] is null or status = any(${statuses}::text[]))
      order by ordered_at desc, id desc
      limit ${limit}::int
    ) r
    order by r.ordered_at desc, r.id desc
  `;
}

/** Lab tests of many encounters, oldest order first within each encounter. */
export async function labTestsByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<LabTestRow[]> {
  return tx<ChildRows<LabTestRow, 'encounterId'>>`
    /* labTestsByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type, priority,
             status, clinical_indication, notes, ordered_at, collected_at, resulted_at, cancelled_at, cancellation_reason,
             created_at, updated_at, version
      from lab_tests
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by ordered_at, id
      limit ${limit}::int
    ) r
    order by r.ordered_at, r.id
  `;
}

export async function labResultsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<LabResultRow[]> {
  return tx<LabResultRow[]>`
    /* labResultsByIds */
    select id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
           reference_range, reference_low, reference_high, abnormal_flag, status, notes, resulted_at, resulted_by,
           created_at, updated_at, version,
           cursor_timestamp(resulted_at)::text as sort_key
    from lab_results
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** Result components of many lab tests, in the order they were recorded. */
export async function labResultsByLabTestIds(
  tx: TransactionSql,
  organizationId: string,
  labTestIds: readonly string[],
  limit: number | null,
): Promise<LabResultRow[]> {
  return tx<LabResultRow[]>`
    /* labResultsByLabTestIds */
    select r.* from unnest(${labTestIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
             reference_range, reference_low, reference_high, abnormal_flag, status, notes, resulted_at, resulted_by,
             created_at, updated_at, version,
             cursor_timestamp(resulted_at)::text as sort_key
      from lab_results
      where organization_id = ${organizationId}::uuid and lab_test_id = parent.id
        and deleted_at is null
      order by resulted_at, id
      limit ${limit}::int
    ) r
    order by r.resulted_at, r.id
  `;
}

/** The organization's live lab results: what `Patient.labResults` pages and counts. */
function liveLabResults(tx: TransactionSql, organizationId: string): PendingQuery<LabResultRow[]> {
  return tx<LabResultRow[]>`
    /* liveLabResults */
    select r.id, r.organization_id, r.lab_test_id, r.patient_id, r.analyte, r.analyte_code, r.result_value,
           r.result_numeric, r.result_unit, r.reference_range, r.reference_low, r.reference_high, r.abnormal_flag,
           r.status, r.notes, r.resulted_at, r.resulted_by, r.created_at, r.updated_at, r.version,
           cursor_timestamp(r.resulted_at)::text as sort_key
    from lab_results r
    where r.organization_id = ${organizationId}::uuid
      and r.deleted_at is null
  `;
}

/** `Patient.labResults`: newest first. */
export const labResultsOfPatients = childList(liveLabResults, 'patient_id', { column: 'resulted_at', type: 'timestamptz', order: 'desc' });

export interface NewLabTest {
  patientId: string;
  encounterId: string | null;
  orderedBy: string;
  testCode: string | null;
  testName: string;
  specimenType: string | null;
  priority: string;
  clinicalIndication: string | null;
  notes: string | null;
}

export async function insertLabTest(tx: TransactionSql, organizationId: string, t: NewLabTest): Promise<LabTestRow> {
  const rows = await tx<LabTestRow[]>`
    /* insertLabTest */
    insert into lab_tests (organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type,
                           priority, status, clinical_indication, notes)
    values (${organizationId}::uuid, ${t.patientId}::uuid, ${t.encounterId}::uuid, ${t.orderedBy}::uuid, ${t.testCode}::text,
            ${t.testName}::text, ${t.specimenType}::text, ${t.priority}::text, 'ORDERED', ${t.clinicalIndication}::text,
            ${t.notes}::text)
    returning id, organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type, priority,
              status, clinical_indication, notes, ordered_at, collected_at, resulted_at, cancelled_at, cancellation_reason,
              created_at, updated_at, version
  `;
  return rows[0]!;
}

/** The patient of a live lab test of the organization, or null. */
export const labTestPatientId = patientOfRecord(labTestsByIds);

export function lockLabTest(tx: TransactionSql, organizationId: string, id: string): Promise<LabTestRow | null> {
  return lockedRow(tx, 'lockLabTest', labTestsByIds(tx, organizationId, [id]));
}

/** The patient's lab orders with no specimen taken (a recorded death cancels them). */
export async function uncollectedLabTestIdsOfPatient(tx: TransactionSql, organizationId: string, patientId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* uncollectedLabTestIdsOfPatient */
    select id from lab_tests
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid and deleted_at is null
      and status = 'ORDERED'
    order by ordered_at, id
  `;
  return rows.map((r) => r.id);
}

/** Writes the life-cycle columns of a locked lab test and bumps its version. */
export async function updateLabTestStatus(tx: TransactionSql, t: LabTestRow): Promise<LabTestRow> {
  const rows = await tx<LabTestRow[]>`
    /* updateLabTestStatus */
    update lab_tests set status = ${t.status}::text, collected_at = ${t.collectedAt}::timestamptz,
           resulted_at = ${t.resultedAt}::timestamptz, cancelled_at = ${t.cancelledAt}::timestamptz,
           cancellation_reason = ${t.cancellationReason}::text, version = version + 1
    where organization_id = ${t.organizationId}::uuid and id = ${t.id}::uuid and version = ${t.version}::int
      and deleted_at is null
    returning id, organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type, priority,
              status, clinical_indication, notes, ordered_at, collected_at, resulted_at, cancelled_at, cancellation_reason,
              created_at, updated_at, version
  `;
  return rows[0]!;
}

export interface NewLabResult {
  labTestId: string;
  patientId: string;
  analyte: string;
  analyteCode: string | null;
  resultValue: string;
  resultNumeric: string | null;
  resultUnit: string | null;
  referenceRange: string | null;
  referenceLow: string | null;
  referenceHigh: string | null;
  abnormalFlag: string | null;
  status: string;
  notes: string | null;
  resultedAt: Date;
  resultedBy: string;
}

export async function insertLabResult(tx: TransactionSql, organizationId: string, r: NewLabResult): Promise<LabResultRow> {
  const rows = await tx<LabResultRow[]>`
    /* insertLabResult */
    insert into lab_results (organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric,
                             result_unit, reference_range, reference_low, reference_high, abnormal_flag, status, notes,
                             resulted_at, resulted_by)
    values (${organizationId}::uuid, ${r.labTestId}::uuid, ${r.patientId}::uuid, ${r.analyte}::text, ${r.analyteCode}::text,
            ${r.resultValue}::text, ${r.resultNumeric}::numeric, ${r.resultUnit}::text, ${r.referenceRange}::text,
            ${r.referenceLow}::numeric, ${r.referenceHigh}::numeric, ${r.abnormalFlag}::text, ${r.status}::text,
            ${r.notes}::text, ${r.resultedAt}::timestamptz, ${r.resultedBy}::uuid)
    returning id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
              reference_range, reference_low, reference_high, abnormal_flag, status, notes, resulted_at, resulted_by,
              created_at, updated_at, version,
              cursor_timestamp(resulted_at)::text as sort_key
  `;
  return rows[0]!;
}

/** One keyset slice of many patients' lab tests (ordered_at, id order), changed since `slice.since`: FHIR export pages. */
export async function labTestSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(LabTestRow & { sortKey: string | null })[]> {
  return sliceOfChildren(
    tx,
    tx<(LabTestRow & { sortKey: string | null })[]>`
      /* labTestSlicesByPatientIds */
      select id, organization_id, patient_id, encounter_id, ordered_by, test_code, test_name, specimen_type, priority,
      status, clinical_indication, notes, ordered_at, collected_at, resulted_at, cancelled_at, cancellation_reason,
      created_at, updated_at, version,
             cursor_timestamp(ordered_at)::text as sort_key
      from lab_tests
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'ordered_at',
  );
}

/** One keyset slice of many patients' lab results (resulted_at, id order), changed since `slice.since`: FHIR export pages. */
export async function labResultSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(LabResultRow)[]> {
  return sliceOfChildren(
    tx,
    tx<(LabResultRow)[]>`
      /* labResultSlicesByPatientIds */
      select id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_numeric, result_unit,
      reference_range, reference_low, reference_high, abnormal_flag, status, notes, resulted_at, resulted_by,
      created_at, updated_at, version,
             cursor_timestamp(resulted_at)::text as sort_key
      from lab_results
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'resulted_at',
  );
}
