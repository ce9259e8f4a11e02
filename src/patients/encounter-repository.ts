import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { type KeysetSlice } from '../kernel/pagination.js';
import { childList, sliceOfChildren } from '../kernel/keyset.js';
import { lockedRow } from '../kernel/row-lock.js';
import { keysetList } from '../kernel/root-list.js';
import { patientOfRecord } from '../kernel/table-rows.js';

export interface EncounterRow {
  id: string;
  organizationId: string;
  patientId: string;
  providerId: string;
  departmentId: string | null;
  encounterType: string;
  status: string;
  encounterAt: Date;
  reason: string | null;
  chiefComplaint: string | null;
  notes: string | null;
  scheduledAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  dischargeDisposition: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `encounter_at` rendered with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

export interface EncounterListFilter {
  patientId: string | null;
  providerId: string | null;
  statuses: string[] | null;
  types: string[] | null;
  from: Date | null;
  to: Date | null;
}

export function encountersByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<EncounterRow[]> {
  return tx<EncounterRow[]>`
    /* encountersByIds */
    select id, organization_id, patient_id, provider_id, department_id, encounter_type, status, encounter_at, reason,
           chief_complaint, notes, scheduled_at, started_at, ended_at, discharge_disposition, created_at, updated_at,
           version, cursor_timestamp(encounter_at)::text as sort_key
    from encounters
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** The organization's live encounters in `statuses` (null: any): what `Patient.encounters` pages and counts. */
function liveEncounters(tx: TransactionSql, organizationId: string, statuses: string[] | null): PendingQuery<EncounterRow[]> {
  return tx<EncounterRow[]>`
    /* liveEncounters */
    select e.id, e.organization_id, e.patient_id, e.provider_id, e.department_id, e.encounter_type, e.status,
           e.encounter_at, e.reason, e.chief_complaint, e.notes, e.scheduled_at, e.started_at, e.ended_at,
           e.discharge_disposition, e.created_at, e.updated_at, e.version,
           cursor_timestamp(e.encounter_at)::text as sort_key
    from encounters e
    where e.organization_id = ${organizationId}::uuid
      and e.deleted_at is null and (${statuses}::text[] is null or e.status = any(${statuses}::text[]))
  `;
}

/** `Patient.encounters(status:)`: newest first, an index-ordered scan per patient (organization_id, patient_id, encounter_at, id). */
export const encountersOfPatients = childList(liveEncounters, 'patient_id', { column: 'encounter_at', type: 'timestamptz', order: 'desc' });

/** Encounters matching the organization-wide list's filter: `encounterList` pages them newest first on (encounter_at, id) and counts them. */
function matchingEncounters(tx: TransactionSql, organizationId: string, f: EncounterListFilter): PendingQuery<EncounterRow[]> {
  return tx<EncounterRow[]>`
    /* matchingEncounters */
    select e.id, e.organization_id, e.patient_id, e.provider_id, e.department_id, e.encounter_type, e.status,
           e.encounter_at, e.reason, e.chief_complaint, e.notes, e.scheduled_at, e.started_at, e.ended_at,
           e.discharge_disposition, e.created_at, e.updated_at, e.version,
           cursor_timestamp(e.encounter_at)::text as sort_key
    from encounters e
    where e.organization_id = ${organizationId}::uuid and e.deleted_at is null
      and (${f.patientId}::uuid is null or e.patient_id = ${f.patientId}::uuid)
      and (${f.providerId}::uuid is null or e.provider_id = ${f.providerId}::uuid)
      and (${f.statuses}::text[] is null or e.status = any(${f.statuses}::text[]))
      and (${f.types}::text[] is null or e.encounter_type = any(${f.types}::text[]))
      and (${f.from}::timestamptz is null or e.encounter_at >= ${f.from}::timestamptz)
      and (${f.to}::timestamptz is null or e.encounter_at < ${f.to}::timestamptz)
  `;
}

export interface NewEncounter {
  patientId: string;
  providerId: string;
  departmentId: string | null;
  encounterType: string;
  encounterAt: Date;
  scheduledAt: Date | null;
  reason: string | null;
  chiefComplaint: string | null;
  notes: string | null;
}

export async function insertEncounter(tx: TransactionSql, organizationId: string, e: NewEncounter): Promise<EncounterRow> {
  const rows = await tx<EncounterRow[]>`
    /* insertEncounter */
    insert into encounters (organization_id, patient_id, provider_id, department_id, encounter_type, status,
                            encounter_at, scheduled_at, reason, chief_complaint, notes)
    values (${organizationId}::uuid, ${e.patientId}::uuid, ${e.providerId}::uuid, ${e.departmentId}::uuid,
            ${e.encounterType}, 'PLANNED', ${e.encounterAt}, ${e.scheduledAt}, ${e.reason}, ${e.chiefComplaint}, ${e.notes})
    returning id, organization_id, patient_id, provider_id, department_id, encounter_type, status, encounter_at, reason,
              chief_complaint, notes, scheduled_at, started_at, ended_at, discharge_disposition, created_at, updated_at,
              version, cursor_timestamp(encounter_at)::text as sort_key
  `;
  return rows[0]!;
}

/** The patient of a live encounter of the organization, or null. */
export const encounterPatientId = patientOfRecord(encountersByIds);

/**
 * The status of the patient's live encounter a record is written into, share-locked so the encounter cannot be
 * completed or cancelled until the write commits (completion takes FOR UPDATE). Null when it is not this
 * patient's encounter.
 */
export async function shareEncounterOfPatient(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  encounterId: string,
): Promise<{ id: string; status: string } | null> {
  const rows = await tx<{ id: string; status: string }[]>`
    /* shareEncounterOfPatient */
    select id, status from encounters
    where organization_id = ${organizationId}::uuid and id = ${encounterId}::uuid and patient_id = ${patientId}::uuid
      and deleted_at is null
    for share
  `;
  return rows[0] ?? null;
}

/** The patient's PLANNED encounters due after `after`: what a recorded death cancels. */
export async function plannedEncounterIdsOfPatient(
  tx: TransactionSql,
  organizationId: string,
  patientId: string,
  after: Date,
): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* plannedEncounterIdsOfPatient */
    select id from encounters
    where organization_id = ${organizationId}::uuid and patient_id = ${patientId}::uuid and deleted_at is null
      and status = 'PLANNED' and encounter_at > ${after}::timestamptz
    order by encounter_at, id
  `;
  return rows.map((r) => r.id);
}

export function lockEncounter(tx: TransactionSql, organizationId: string, id: string): Promise<EncounterRow | null> {
  return lockedRow(tx, 'lockEncounter', encountersByIds(tx, organizationId, [id]));
}

/**
 * Writes the life-cycle columns of a locked encounter and bumps its version; `encounterAtMovedTo` moves its time (a planned encounter
 * started early happens now). The stored time is otherwise left untouched, never round-tripped through a Date.
 */
export async function updateEncounterStatus(tx: TransactionSql, e: EncounterRow, encounterAtMovedTo: Date | null = null): Promise<EncounterRow> {
  const rows = await tx<EncounterRow[]>`
    /* updateEncounterStatus */
    update encounters set status = ${e.status}, encounter_at = coalesce(${encounterAtMovedTo}::timestamptz, encounter_at),
           started_at = ${e.startedAt}, ended_at = ${e.endedAt},
           discharge_disposition = ${e.dischargeDisposition}, notes = ${e.notes}, version = version + 1
    where organization_id = ${e.organizationId}::uuid and id = ${e.id}::uuid and version = ${e.version}::int
    returning id, organization_id, patient_id, provider_id, department_id, encounter_type, status, encounter_at, reason,
              chief_complaint, notes, scheduled_at, started_at, ended_at, discharge_disposition, created_at, updated_at,
              version, cursor_timestamp(encounter_at)::text as sort_key
  `;
  return rows[0]!;
}

/** One keyset slice of many patients' encounters (encounter_at, id order), changed since `slice.since`: FHIR export pages. */
export async function encounterSlicesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  patientIds: readonly string[],
  slice: KeysetSlice,
): Promise<(EncounterRow)[]> {
  return sliceOfChildren(
    tx,
    tx<(EncounterRow)[]>`
      /* encounterSlicesByPatientIds */
      select id, organization_id, patient_id, provider_id, department_id, encounter_type, status, encounter_at, reason,
      chief_complaint, notes, scheduled_at, started_at, ended_at, discharge_disposition, created_at, updated_at,
      version,
             cursor_timestamp(encounter_at)::text as sort_key
      from encounters
      where organization_id = ${organizationId}::uuid and deleted_at is null
        and (${slice.since}::timestamptz is null or updated_at >= ${slice.since}::timestamptz)
    `,
    { parentIds: patientIds, parentColumn: 'patient_id' },
    slice,
    'encounter_at',
  );
}

/** `Query.encounters`: newest first. */
export const encounterList = keysetList('encounters:encounterAt', matchingEncounters, { column: 'encounter_at', type: 'timestamptz', order: 'desc' }, (e) => [e.sortKey, e.id], { patientsOf: (e) => e.patientId });
