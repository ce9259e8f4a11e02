import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { KeysetRows, PageRequest } from '../kernel/pagination.js';
import type { PatientBundleColumns, PatientBundleRequest } from './patient-bundle-repository.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';

/** One row of `ehr_patients` as the API reads it. */
export interface PatientRow extends RowStamps {
  id: string;
  organizationId: string;
  mrn: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  preferredName: string | null;
  dateOfBirth: string;
  sexAtBirth: string | null;
  genderIdentity: string | null;
  phone: string | null;
  email: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  preferredLanguage: string | null;
  maritalStatus: string | null;
  bloodType: string | null;
  emergencyContactName: string | null;
  emergencyContactPhone: string | null;
  emergencyContactRelationship: string | null;
  insuranceProvider: string | null;
  insurancePolicyNumber: string | null;
  status: string;
  deceasedAt: Date | null;
}

/** The writable demographic fields (everything but identity, status and bookkeeping). */
export type PatientFields = Omit<PatientRow, 'id' | 'organizationId' | 'mrn' | 'status' | 'deceasedAt' | 'createdAt' | 'updatedAt' | 'version'>;

/** A patient list row: the patient plus its sort key rendered exactly (µs timestamps survive the cursor). */
export type PatientListRow = PatientRow & { sortKey: string };

export type PatientOrdering = 'NAME' | 'DATE_OF_BIRTH' | 'CREATED_AT';

export interface PatientListFilter {
  statuses: string[] | null;
  namePrefix: string | null;
  bornFrom: string | null;
  bornTo: string | null;
  /** A tsquery text such as `smith:* & jo:*`. */
  search: string | null;
}

export interface PatientSummaryRow {
  patientId: string;
  encounterCount: number;
  lastEncounterAt: Date | null;
  activeProblemCount: number;
}

export function patientsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<PatientRow[]> {
  return tx<PatientRow[]>`
    /* patientsByIds */
    select id, organization_id, mrn, first_name, middle_name, last_name, preferred_name, date_of_birth, sex_at_birth,
           gender_identity, phone, email, address_line1, address_line2, city, region, postal_code, country,
           preferred_language, marital_status, blood_type, emergency_contact_name, emergency_contact_phone,
           emergency_contact_relationship, insurance_provider, insurance_policy_number, status, deceased_at,
           created_at, updated_at, version
    from ehr_patients
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

export async function patientIdByMrn(tx: TransactionSql, organizationId: string, mrn: string): Promise<string | null> {
  const rows = await tx<{ id: string }[]>`
    /* patientIdByMrn */
    select id from ehr_patients
    where organization_id = ${organizationId}::uuid and mrn = ${mrn} and deleted_at is null
  `;
  return rows[0]?.id ?? null;
}

/** Where a page of the patient list starts and which way it runs (see patientPage). */
export interface PatientPageSpec {
  filter: PatientListFilter;
  ordering: PatientOrdering;
  /** The scan direction: the ordering's direction combined with the paging direction. */
  ascending: boolean;
  page: PageRequest;
}

/**
 * One keyset page of patients: an index-ordered scan from the cursor, so page
 * 1,000 costs what page 1 costs. Without a filter, patient_page_unfiltered
 * (migration 000020) runs one of its static queries from a plan PostgreSQL
 * keeps; with one, the filtered statement is planned for the call's values.
 * Run bare (`patientPage`) or as the page of `patientPageWithBundles`.
 */
function patientPageStatement(tx: TransactionSql, organizationId: string, spec: PatientPageSpec) {
  const f = spec.filter;
  const filtered = f.statuses !== null || f.namePrefix !== null || f.bornFrom !== null || f.bornTo !== null || f.search !== null;
  return filtered ? filteredPatientPageStatement(tx, organizationId, spec) : unfilteredPatientPageStatement(tx, organizationId, spec);
}

/** The page without a filter: the function's rows, numbered in the order it returns them. */
function unfilteredPatientPageStatement(tx: TransactionSql, organizationId: string, spec: PatientPageSpec) {
  const { ordering, ascending, page } = spec;
  const [k1, k2, id] = keysetParams(page.cursor);
  // The function's columns are those of ehr_patients, which SafeQL reads as nullable; they are not.
  return tx<KeysetRows<PatientListRow>>`
    /* unfilteredPatientPageStatement */
    select p.id, p.organization_id, p.mrn, p.first_name, p.middle_name, p.last_name, p.preferred_name,
           p.date_of_birth, p.sex_at_birth, p.gender_identity, p.phone, p.email, p.address_line1, p.address_line2,
           p.city, p.region, p.postal_code, p.country, p.preferred_language, p.marital_status, p.blood_type,
           p.emergency_contact_name, p.emergency_contact_phone, p.emergency_contact_relationship,
           p.insurance_provider, p.insurance_policy_number, p.status, p.deceased_at, p.created_at, p.updated_at,
           p.version,
           case ${ordering}::text when 'NAME' then p.last_name when 'DATE_OF_BIRTH' then p.date_of_birth::text
                else cursor_timestamp(p.created_at)::text end as sort_key
    from patient_page_unfiltered(${organizationId}::uuid, ${ordering}::text, ${!ascending}::boolean, ${k1}::text, ${k2}::text,
                                 ${id}::uuid, ${page.limit + 1}::int) with ordinality as p
    order by p.ordinality
  `;
}

/**
 * The page with a filter, through patients_matching. One statement for every ordering and direction: both are
 * parameters that request transactions' custom plans fold before planning (see scansDescending), so PostgreSQL
 * plans only the ordering and direction asked for. Written out, not as an SQL function: PostgreSQL parses an
 * inlined function's body again for every custom plan, which measured about half again this statement's planning time.
 */
function filteredPatientPageStatement(tx: TransactionSql, organizationId: string, spec: PatientPageSpec) {
  const { filter: f, ordering, ascending, page } = spec;
  const [k1, k2, id] = keysetParams(page.cursor);
  const descending = !ascending;
  // In the ORDER BY the terms of the other orderings and direction fold to NULL and drop out.
  // The rows come through patients_matching(), whose columns SafeQL reads as nullable; they are not.
  return tx<KeysetRows<PatientListRow>>`
    /* filteredPatientPageStatement */
    select p.id, p.organization_id, p.mrn, p.first_name, p.middle_name, p.last_name, p.preferred_name,
           p.date_of_birth, p.sex_at_birth, p.gender_identity, p.phone, p.email, p.address_line1, p.address_line2,
           p.city, p.region, p.postal_code, p.country, p.preferred_language, p.marital_status, p.blood_type,
           p.emergency_contact_name, p.emergency_contact_phone, p.emergency_contact_relationship,
           p.insurance_provider, p.insurance_policy_number, p.status, p.deceased_at, p.created_at, p.updated_at,
           p.version,
           case ${ordering}::text when 'NAME' then p.last_name when 'DATE_OF_BIRTH' then p.date_of_birth::text
                else cursor_timestamp(p.created_at)::text end as sort_key
    from patients_matching(${organizationId}::uuid, ${f.statuses}::text[], ${f.namePrefix}::text, ${f.bornFrom}::date,
                           ${f.bornTo}::date, ${f.search}::tsquery) p
    where ${id}::uuid is null or case ${ordering}::text
      when 'NAME' then case when ${descending}::boolean
        then (p.last_name, p.first_name, p.id) < (${k1}::text, ${k2}::text, ${id}::uuid)
        else (p.last_name, p.first_name, p.id) > (${k1}::text, ${k2}::text, ${id}::uuid) end
      when 'DATE_OF_BIRTH' then case when ${descending}::boolean
        then (p.date_of_birth, p.id) < (${k1}::text::date, ${id}::uuid)
        else (p.date_of_birth, p.id) > (${k1}::text::date, ${id}::uuid) end
      else case when ${descending}::boolean
        then (p.created_at, p.id) < (${k1}::text::timestamptz, ${id}::uuid)
        else (p.created_at, p.id) > (${k1}::text::timestamptz, ${id}::uuid) end
    end
    order by case when ${descending}::boolean and ${ordering}::text = 'NAME' then p.last_name end desc,
             case when ${descending}::boolean and ${ordering}::text = 'NAME' then p.first_name end desc,
             case when ${descending}::boolean and ${ordering}::text = 'DATE_OF_BIRTH' then p.date_of_birth end desc,
             case when ${descending}::boolean and ${ordering}::text = 'CREATED_AT' then p.created_at end desc,
             case when ${descending}::boolean then p.id end desc,
             case when ${ordering}::text = 'NAME' then p.last_name end, case when ${ordering}::text = 'NAME' then p.first_name end,
             case when ${ordering}::text = 'DATE_OF_BIRTH' then p.date_of_birth end,
             case when ${ordering}::text = 'CREATED_AT' then p.created_at end, p.id
    limit ${page.limit + 1}::int
  `;
}

/** One keyset page of patients, bare (nothing prefetched). */
export async function patientPage(tx: TransactionSql, organizationId: string, spec: PatientPageSpec): Promise<PatientListRow[]> {
  return (await patientPageStatement(tx, organizationId, spec)) as PatientListRow[];
}

/**
 * The same page with the chart relations the selection asked for (src/patients/patient-prefetch.ts), joined in
 * one statement: `patient_bundles` reads them for the page's patients, and the page's order is restored after
 * the join.
 */
export async function patientPageWithBundles(
  db: TransactionSql,
  organizationId: string,
  spec: PatientPageSpec,
  request: PatientBundleRequest,
): Promise<(PatientListRow & PatientBundleColumns)[]> {
  const { ordering } = spec;
  const descending = !spec.ascending;
  // Tagged `db`, as the kernel's keyset wrappers: SafeQL checks patientPageStatement's statement on its own, and
  // cannot read one with a statement inside; test/patients/patient-prefetch.test.ts runs this one.
  const rows = await db<KeysetRows<PatientListRow & PatientBundleColumns>>`
    /* patientPageWithBundles */
    with page as (${patientPageStatement(db, organizationId, spec)})
    select page.*, b.encounter_count, b.last_encounter_at, b.active_problem_count, b.balance, b.allergies, b.problems, b.prescriptions,
           b.encounters, b.invoices, b.clinical_notes, b.lab_tests
    from page
    left join (select * from patient_bundles(${organizationId}::uuid, (select array_agg(id) from page), ${JSON.stringify(request)}::text::jsonb)) b
      on b.patient_id = page.id
    order by case when ${descending}::boolean and ${ordering}::text = 'NAME' then page.last_name end desc,
             case when ${descending}::boolean and ${ordering}::text = 'NAME' then page.first_name end desc,
             case when ${descending}::boolean and ${ordering}::text = 'DATE_OF_BIRTH' then page.date_of_birth end desc,
             case when ${descending}::boolean and ${ordering}::text = 'CREATED_AT' then page.created_at end desc,
             case when ${descending}::boolean then page.id end desc,
             case when ${ordering}::text = 'NAME' then page.last_name end, case when ${ordering}::text = 'NAME' then page.first_name end,
             case when ${ordering}::text = 'DATE_OF_BIRTH' then page.date_of_birth end,
             case when ${ordering}::text = 'CREATED_AT' then page.created_at end, page.id
  `;
  return rows as (PatientListRow & PatientBundleColumns)[];
}

/** Cursor key `[k1, k2?, id]` as three text parameters (k2 only for the name ordering). */
function keysetParams(cursor: PageRequest['cursor']): [string | null, string | null, string | null] {
  if (!cursor) return [null, null, null];
  const values = cursor.map((v) => (v === null ? null : String(v)));
  return values.length === 3 ? [values[0]!, values[1]!, values[2]!] : [values[0]!, null, values[1]!];
}

export function countPatients(tx: TransactionSql, organizationId: string, filter: PatientListFilter, limit: number | null): PendingQuery<{ count: number }[]> {
  return tx<{ count: number }[]>`
    /* countPatients */
    select count(*)::int as count from (
      select 1
      from patients_matching(${organizationId}::uuid, ${filter.statuses}::text[], ${filter.namePrefix}::text,
                             ${filter.bornFrom}::date, ${filter.bornTo}::date, ${filter.search}::tsquery)
      limit ${limit}::int
    ) matching
  `;
}

/** Encounter count, last encounter and active problems for many patients in one statement. */
export async function summariesByPatientIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
): Promise<PatientSummaryRow[]> {
  const rows = await tx<{ patientId: string; encounterCount: number; lastEncounterAt: Date | null; activeProblemCount: number | null }[]>`
    /* summariesByPatientIds */
    select p.id as patient_id, e.encounter_count, e.last_encounter_at,
           (select count(*)::int from problem_list pl
             where pl.organization_id = ${organizationId}::uuid and pl.patient_id = p.id
               and pl.status = 'ACTIVE' and pl.deleted_at is null) as active_problem_count
    from unnest(${ids as string[]}::uuid[]) as p(id)
    cross join lateral (
      select count(*)::int as encounter_count, max(enc.encounter_at)::timestamptz as last_encounter_at from encounters enc
      where enc.organization_id = ${organizationId}::uuid and enc.patient_id = p.id and enc.deleted_at is null
    ) e
  `;
  return rows.map((r) => ({
    patientId: r.patientId,
    encounterCount: r.encounterCount,
    lastEncounterAt: r.lastEncounterAt,
    activeProblemCount: r.activeProblemCount ?? 0,
  }));
}

/** Advances a per-organization counter (gap-free: the row lock holds until commit). */
export async function nextCounterValue(tx: TransactionSql, organizationId: string, name: string): Promise<number> {
  const rows = await tx<{ value: string }[]>`
    /* nextCounterValue */
    insert into tenant_counters (organization_id, name, value) values (${organizationId}::uuid, ${name}, 1)
    on conflict (organization_id, name) do update set value = tenant_counters.value + 1
    returning value
  `;
  return Number(rows[0]!.value);
}

export async function insertPatient(
  tx: TransactionSql,
  organizationId: string,
  mrn: string,
  f: PatientFields,
): Promise<PatientRow> {
  const rows = await tx<PatientRow[]>`
    /* insertPatient */
    insert into ehr_patients (
      organization_id, mrn, first_name, middle_name, last_name, preferred_name, date_of_birth, sex_at_birth,
      gender_identity, phone, email, address_line1, address_line2, city, region, postal_code, country,
      preferred_language, marital_status, blood_type, emergency_contact_name, emergency_contact_phone,
      emergency_contact_relationship, insurance_provider, insurance_policy_number)
    values (
      ${organizationId}::uuid, ${mrn}, ${f.firstName}, ${f.middleName}, ${f.lastName}, ${f.preferredName},
      ${f.dateOfBirth}::date, ${f.sexAtBirth}, ${f.genderIdentity}, ${f.phone}, ${f.email}, ${f.addressLine1},
      ${f.addressLine2}, ${f.city}, ${f.region}, ${f.postalCode}, ${f.country}, ${f.preferredLanguage},
      ${f.maritalStatus}, ${f.bloodType}, ${f.emergencyContactName}, ${f.emergencyContactPhone},
      ${f.emergencyContactRelationship}, ${f.insuranceProvider}, ${f.insurancePolicyNumber})
    returning id, organization_id, mrn, first_name, middle_name, last_name, preferred_name, date_of_birth,
              sex_at_birth, gender_identity, phone, email, address_line1, address_line2, city, region, postal_code,
              country, preferred_language, marital_status, blood_type, emergency_contact_name, emergency_contact_phone,
              emergency_contact_relationship, insurance_provider, insurance_policy_number, status, deceased_at,
              created_at, updated_at, version
  `;
  return rows[0]!;
}

/** Locks a live patient row for a read-modify-write. */
/** Whether a live patient of the organization exists, share-locked against deletion until commit (other domains' writes that point at it). */
export async function sharePatient(tx: TransactionSql, organizationId: string, id: string): Promise<boolean> {
  const rows = await tx<{ id: string }[]>`
    /* sharePatient */
    select id from ehr_patients
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and deleted_at is null
    for share
  `;
  return rows.length > 0;
}

export function lockPatient(tx: TransactionSql, organizationId: string, id: string): Promise<PatientRow | null> {
  return lockedRow(tx, 'lockPatient', patientsByIds(tx, organizationId, [id]));
}

/** Writes every mutable column of a locked row and bumps its version. */
export async function updatePatientRow(tx: TransactionSql, p: PatientRow): Promise<PatientRow> {
  const rows = await tx<PatientRow[]>`
    /* updatePatientRow */
    update ehr_patients set
      first_name = ${p.firstName}, middle_name = ${p.middleName}, last_name = ${p.lastName},
      preferred_name = ${p.preferredName}, date_of_birth = ${p.dateOfBirth}::date, sex_at_birth = ${p.sexAtBirth},
      gender_identity = ${p.genderIdentity}, phone = ${p.phone}, email = ${p.email}, address_line1 = ${p.addressLine1},
      address_line2 = ${p.addressLine2}, city = ${p.city}, region = ${p.region}, postal_code = ${p.postalCode},
      country = ${p.country}, preferred_language = ${p.preferredLanguage}, marital_status = ${p.maritalStatus},
      blood_type = ${p.bloodType}, emergency_contact_name = ${p.emergencyContactName},
      emergency_contact_phone = ${p.emergencyContactPhone},
      emergency_contact_relationship = ${p.emergencyContactRelationship},
      insurance_provider = ${p.insuranceProvider}, insurance_policy_number = ${p.insurancePolicyNumber},
      status = ${p.status}, deceased_at = ${p.deceasedAt}, version = version + 1
    where organization_id = ${p.organizationId}::uuid and id = ${p.id}::uuid and version = ${p.version}::int
    returning id, organization_id, mrn, first_name, middle_name, last_name, preferred_name, date_of_birth,
              sex_at_birth, gender_identity, phone, email, address_line1, address_line2, city, region, postal_code,
              country, preferred_language, marital_status, blood_type, emergency_contact_name, emergency_contact_phone,
              emergency_contact_relationship, insurance_provider, insurance_policy_number, status, deceased_at,
              created_at, updated_at, version
  `;
  return rows[0]!;
}

export async function softDeletePatient(tx: TransactionSql, organizationId: string, id: string, version: number): Promise<boolean> {
  const rows = await tx<{ id: string }[]>`
    /* softDeletePatient */
    update ehr_patients set deleted_at = now(), version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and version = ${version}::int and deleted_at is null
    returning id
  `;
  return rows.length > 0;
}

/**
 * Brings a soft-deleted patient back (and with it every record, which the
 * live_patient row-level security policies hid while the patient was deleted).
 */
export async function restoreDeletedPatient(tx: TransactionSql, organizationId: string, id: string): Promise<PatientRow | null> {
  const rows = await tx<PatientRow[]>`
    /* restoreDeletedPatient */
    update ehr_patients set deleted_at = null, version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and deleted_at is not null
    returning id, organization_id, mrn, first_name, middle_name, last_name, preferred_name, date_of_birth,
              sex_at_birth, gender_identity, phone, email, address_line1, address_line2, city, region, postal_code,
              country, preferred_language, marital_status, blood_type, emergency_contact_name, emergency_contact_phone,
              emergency_contact_relationship, insurance_provider, insurance_policy_number, status, deceased_at,
              created_at, updated_at, version
  `;
  return rows[0] ?? null;
}

/**
 * Whether the organization has this patient, soft-deleted ones included: a deleted patient's
 * access log and accounting of disclosures stay readable (src/compliance/).
 */
export async function patientOnRecord(tx: TransactionSql, organizationId: string, id: string): Promise<boolean> {
  const rows = await tx<{ id: string }[]>`
    /* patientOnRecord */
    select id from ehr_patients where organization_id = ${organizationId}::uuid and id = ${id}::uuid
  `;
  return rows.length > 0;
}
