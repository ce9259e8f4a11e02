import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { ChildRows } from '../kernel/pagination.js';
import { childList } from '../kernel/keyset.js';
import { lockedRow } from '../kernel/row-lock.js';

/** One row of `clinical_notes` as the API reads it. */
export interface ClinicalNoteRow {
  id: string;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  authorId: string;
  /** The clinician named to co-sign; absent from rows of the patient bundle (ClinicalNote.cosigner reloads them). */
  cosignerId: string | null;
  noteType: string;
  title: string | null;
  body: string;
  status: string;
  signedAt: Date | null;
  signedBy: string | null;
  amendsNoteId: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `created_at` rendered with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

export function clinicalNotesByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<ClinicalNoteRow[]> {
  return tx<ClinicalNoteRow[]>`
    /* clinicalNotesByIds */
    select id, organization_id, patient_id, encounter_id, author_id, cosigner_id, note_type, title, body, status, signed_at, signed_by,
           amends_note_id, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from clinical_notes
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

export async function clinicalNotesByEncounterIds(
  tx: TransactionSql,
  organizationId: string,
  encounterIds: readonly string[],
  limit: number | null,
): Promise<ClinicalNoteRow[]> {
  return tx<ChildRows<ClinicalNoteRow, 'encounterId'>>`
    /* clinicalNotesByEncounterIds */
    select r.* from unnest(${encounterIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, author_id, cosigner_id, note_type, title, body, status, signed_at, signed_by,
             amends_note_id, created_at, updated_at, version,
             cursor_timestamp(created_at)::text as sort_key
      from clinical_notes
      where organization_id = ${organizationId}::uuid and encounter_id = parent.id
        and deleted_at is null
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

/** The amendments written to many notes, oldest first. */
export async function clinicalNotesByAmendedIds(
  tx: TransactionSql,
  organizationId: string,
  noteIds: readonly string[],
  limit: number | null,
): Promise<ClinicalNoteRow[]> {
  return tx<ChildRows<ClinicalNoteRow, 'amendsNoteId'>>`
    /* clinicalNotesByAmendedIds */
    select r.* from unnest(${noteIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, patient_id, encounter_id, author_id, cosigner_id, note_type, title, body, status, signed_at, signed_by,
             amends_note_id, created_at, updated_at, version,
             cursor_timestamp(created_at)::text as sort_key
      from clinical_notes
      where organization_id = ${organizationId}::uuid and amends_note_id = parent.id
        and deleted_at is null
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

/** The organization's live clinical notes: what `Patient.clinicalNotes` pages and counts. */
function liveClinicalNotes(tx: TransactionSql, organizationId: string): PendingQuery<ClinicalNoteRow[]> {
  return tx<ClinicalNoteRow[]>`
    /* liveClinicalNotes */
    select n.id, n.organization_id, n.patient_id, n.encounter_id, n.author_id, n.cosigner_id, n.note_type, n.title, n.body, n.status,
           n.signed_at, n.signed_by, n.amends_note_id, n.created_at, n.updated_at, n.version,
           cursor_timestamp(n.created_at)::text as sort_key
    from clinical_notes n
    where n.organization_id = ${organizationId}::uuid
      and n.deleted_at is null
  `;
}

/** `Patient.clinicalNotes`: newest first. */
export const clinicalNotesOfPatients = childList(liveClinicalNotes, 'patient_id', { column: 'created_at', type: 'timestamptz', order: 'desc' });

export interface NewClinicalNote {
  patientId: string;
  encounterId: string | null;
  authorId: string;
  cosignerId: string | null;
  noteType: string;
  title: string | null;
  body: string;
  amendsNoteId: string | null;
}

export async function insertClinicalNote(tx: TransactionSql, organizationId: string, n: NewClinicalNote): Promise<ClinicalNoteRow> {
  const rows = await tx<ClinicalNoteRow[]>`
    /* insertClinicalNote */
    insert into clinical_notes (organization_id, patient_id, encounter_id, author_id, cosigner_id, note_type, title, body, status,
                                amends_note_id)
    values (${organizationId}::uuid, ${n.patientId}::uuid, ${n.encounterId}::uuid, ${n.authorId}::uuid, ${n.cosignerId}::uuid, ${n.noteType}::text,
            ${n.title}::text, ${n.body}::text, 'DRAFT', ${n.amendsNoteId}::uuid)
    returning id, organization_id, patient_id, encounter_id, author_id, cosigner_id, note_type, title, body, status, signed_at, signed_by,
              amends_note_id, created_at, updated_at, version,
              cursor_timestamp(created_at)::text as sort_key
  `;
  return rows[0]!;
}

/** The encounter's notes still DRAFT (unsigned), oldest first: completing the encounter waits for them. */
export async function draftNoteIdsOfEncounter(tx: TransactionSql, organizationId: string, encounterId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* draftNoteIdsOfEncounter */
    select id from clinical_notes
    where organization_id = ${organizationId}::uuid and encounter_id = ${encounterId}::uuid and status = 'DRAFT'
      and deleted_at is null
    order by created_at, id
  `;
  return rows.map((r) => r.id);
}

export function lockClinicalNote(tx: TransactionSql, organizationId: string, id: string): Promise<ClinicalNoteRow | null> {
  return lockedRow(tx, 'lockClinicalNote', clinicalNotesByIds(tx, organizationId, [id]));
}

/**
 * Writes the signature columns of a locked note and bumps its version. There is
 * deliberately no statement that changes a note's text: signed notes are
 * immutable (the `clinical_notes_signed_immutable` trigger enforces it too).
 */
export async function updateClinicalNoteSignature(tx: TransactionSql, n: ClinicalNoteRow): Promise<ClinicalNoteRow> {
  const rows = await tx<ClinicalNoteRow[]>`
    /* updateClinicalNoteSignature */
    update clinical_notes set status = ${n.status}::text, signed_at = ${n.signedAt}::timestamptz,
           signed_by = ${n.signedBy}::uuid, version = version + 1
    where organization_id = ${n.organizationId}::uuid and id = ${n.id}::uuid and version = ${n.version}::int
      and deleted_at is null
    returning id, organization_id, patient_id, encounter_id, author_id, cosigner_id, note_type, title, body, status, signed_at, signed_by,
              amends_note_id, created_at, updated_at, version,
              cursor_timestamp(created_at)::text as sort_key
  `;
  return rows[0]!;
}
