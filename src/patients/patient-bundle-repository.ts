import type { TransactionSql } from '../kernel/db/pool.js';

/** A bounded, status-filtered list of a patient (`allergies(status:, first:)`). */
export interface ListPart {
  statuses: string[] | null;
  limit: number;
}

/**
 * Which of a patient's relations one bundle statement reads, with the arguments
 * the selection gave them; `null` leaves a relation out (its loader fetches it
 * if some resolver asks). Connection limits are `page.limit + 1`, as the
 * connection loaders fetch them; only first pages (no cursor) are bundled.
 */
export interface PatientBundleRequest {
  summary: boolean;
  balance: boolean;
  allergies: ListPart | null;
  problems: ListPart | null;
  prescriptions: (ListPart & { withPrescriber: boolean }) | null;
  encounters: (ListPart & { vitalSigns: number | null; withProvider: boolean }) | null;
  invoices: (ListPart & { payments: number | null }) | null;
  clinicalNotes: { limit: number; withAuthor: boolean } | null;
  labTests: (ListPart & { results: number | null }) | null;
}

/**
 * One patient's relations as JSON text (snake_case keys, numerics as text):
 * `patient-prefetch.ts` parses it into the repositories' row shapes. Text, not
 * json: postgres.js would rebuild every nested object to camelCase its keys,
 * which cost more CPU than the rest of the request's row handling.
 */
export interface PatientBundleRow {
  patientId: string | null;
  /** The summary's columns (null-free when `summary` was requested). */
  encounterCount: number | null;
  lastEncounterAt: Date | null;
  activeProblemCount: number | null;
  balance: string | null;
  allergies: string | null;
  problems: string | null;
  prescriptions: string | null;
  encounters: string | null;
  invoices: string | null;
  clinicalNotes: string | null;
  labTests: string | null;
}

/**
 * Every requested relation of many patients in one statement. Each relation is
 * the same LATERAL-shaped query, with the same columns, filters, order and
 * limit, as the repository function its loader calls (named beside it);
 * `test/patients/patient-prefetch.test.ts` proves the rows come out equal.
 * A relation that is not requested costs nothing: its CASE branch never runs.
 */
export async function patientBundlesByIds(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
  r: PatientBundleRequest,
): Promise<PatientBundleRow[]> {
  const off = { statuses: null, limit: 0 };
  const allergies = r.allergies ?? off;
  const problems = r.problems ?? off;
  const prescriptions = r.prescriptions ?? { ...off, withPrescriber: false };
  const encounters = r.encounters ?? { ...off, vitalSigns: null, withProvider: false };
  const invoices = r.invoices ?? { ...off, payments: null };
  const notes = r.clinicalNotes ?? { limit: 0, withAuthor: false };
  const labs = r.labTests ?? { ...off, results: null };
  return tx<PatientBundleRow[]>`
    /* patientBundlesByIds */
    select p.id as patient_id, s.encounter_count, s.last_encounter_at, s.active_problem_count,
      -- balancesByPatientIds
      case when ${r.balance}::boolean then (
        select coalesce(sum(i.balance_due), 0)::numeric(14,2)::text from invoices i
        where i.organization_id = ${organizationId}::uuid and i.patient_id = p.id
          and i.status in ('ISSUED', 'PARTIALLY_PAID') and i.deleted_at is null
      ) end as balance,
      -- drugAllergiesByPatientIds
      (case when ${r.allergies !== null}::boolean then (
        select coalesce(json_agg(a order by a.created_at, a.id), '[]'::json) from (
          select id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
                 notes, created_at, updated_at, version
          from drug_allergies
          where organization_id = ${organizationId}::uuid and patient_id = p.id
            and deleted_at is null and (${allergies.statuses}::text[] is null or status = any(${allergies.statuses}::text[]))
          order by created_at, id
          limit ${allergies.limit}::int
        ) a
      ) end)::text as allergies,
      -- problemsByPatientIds
      (case when ${r.problems !== null}::boolean then (
        select coalesce(json_agg(pr order by pr.created_at, pr.id), '[]'::json) from (
          select id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
                 resolved_date, recorded_by, notes, created_at, updated_at, version
          from problem_list
          where organization_id = ${organizationId}::uuid and patient_id = p.id
            and deleted_at is null and (${problems.statuses}::text[] is null or status = any(${problems.statuses}::text[]))
          order by created_at, id
          limit ${problems.limit}::int
        ) pr
      ) end)::text as problems,
      -- prescriptionsByPatientIds (+ usersByIds for the prescriber)
      (case when ${r.prescriptions !== null}::boolean then (
        select coalesce(json_agg(rx order by rx.start_date desc, rx.created_at desc, rx.id desc), '[]'::json) from (
          select rx.id, rx.organization_id, rx.patient_id, rx.encounter_id, rx.prescriber_id, rx.medication_name,
                 rx.medication_code, rx.dosage, rx.dose_amount::text as dose_amount, rx.dose_unit, rx.route, rx.frequency,
                 rx.duration_days, rx.quantity::text as quantity, rx.refills, rx.instructions, rx.status, rx.start_date,
                 rx.end_date, rx.discontinued_at, rx.discontinued_reason, rx.allergy_override_reason, rx.created_at,
                 rx.updated_at, rx.version,
                 case when ${prescriptions.withPrescriber}::boolean then (
                   select to_json(u) from (
                     select id, organization_id, email, display_name, given_name, family_name, title, specialty,
                            active, last_login_at, created_at, updated_at, version
                     from users where organization_id = ${organizationId}::uuid and id = rx.prescriber_id
                   ) u
                 ) end as prescriber
          from prescriptions rx
          where rx.organization_id = ${organizationId}::uuid and rx.patient_id = p.id
            and rx.deleted_at is null and (${prescriptions.statuses}::text[] is null or rx.status = any(${prescriptions.statuses}::text[]))
          order by rx.start_date desc, rx.created_at desc, rx.id desc
          limit ${prescriptions.limit}::int
        ) rx
      ) end)::text as prescriptions,
      -- encounterPagesByPatientIds, first page (+ usersByIds, vitalSignsByEncounterIds)
      (case when ${r.encounters !== null}::boolean then (
        select coalesce(json_agg(e order by e.encounter_at desc, e.id desc), '[]'::json) from (
          select e.id, e.organization_id, e.patient_id, e.provider_id, e.department_id, e.encounter_type, e.status,
                 e.encounter_at, e.reason, e.chief_complaint, e.notes, e.scheduled_at, e.started_at, e.ended_at,
                 e.discharge_disposition, e.created_at, e.updated_at, e.version,
                 to_char(e.encounter_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text as sort_key,
                 case when ${encounters.withProvider}::boolean then (
                   select to_json(u) from (
                     select id, organization_id, email, display_name, given_name, family_name, title, specialty,
                            active, last_login_at, created_at, updated_at, version
                     from users where organization_id = ${organizationId}::uuid and id = e.provider_id
                   ) u
                 ) end as provider,
                 case when ${encounters.vitalSigns !== null}::boolean then (
                   select coalesce(json_agg(v order by v.recorded_at, v.id), '[]'::json) from (
                     select id, organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp,
                            heart_rate, respiratory_rate, temperature_c::text as temperature_c, spo2, weight_kg::text as weight_kg,
                            height_cm::text as height_cm, pain_score, notes, is_abnormal, abnormal_flags,
                            to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text as sort_key
                     from vital_signs
                     where organization_id = ${organizationId}::uuid and encounter_id = e.id and deleted_at is null
                     order by recorded_at, id
                     limit ${encounters.vitalSigns}::int
                   ) v
                 ) end as vital_signs
          from encounters e
          where e.organization_id = ${organizationId}::uuid and e.patient_id = p.id
            and e.deleted_at is null and (${encounters.statuses}::text[] is null or e.status = any(${encounters.statuses}::text[]))
          order by e.encounter_at desc, e.id desc limit ${encounters.limit}::int
        ) e
      ) end)::text as encounters,
      -- invoicePagesByPatientIds, first page (+ paymentsByInvoiceIds)
      (case when ${r.invoices !== null}::boolean then (
        select coalesce(json_agg(i order by i.invoice_seq desc), '[]'::json) from (
          select i.id, i.organization_id, i.invoice_number, i.invoice_seq::text as invoice_seq, i.patient_id, i.encounter_id,
                 i.status, i.currency, i.subtotal::text as subtotal, i.discount_total::text as discount_total,
                 i.tax_total::text as tax_total, i.total::text as total, i.amount_paid::text as amount_paid,
                 i.amount_refunded::text as amount_refunded, i.balance_due::text as balance_due, i.issued_at, i.due_date,
                 i.voided_at, i.void_reason, i.notes, i.created_by, i.created_at, i.updated_at, i.version,
                 case when ${invoices.payments !== null}::boolean then (
                   select coalesce(json_agg(pay order by pay.received_at, pay.id), '[]'::json) from (
                     select id, organization_id, invoice_id, patient_id, amount::text as amount, currency, method, kind,
                            refund_of_payment_id, refunded_amount::text as refunded_amount, reference, idempotency_key,
                            received_at, received_by, reason, status, created_at, updated_at, version
                     from payments
                     where organization_id = ${organizationId}::uuid and invoice_id = i.id and deleted_at is null
                     order by received_at, id
                     limit ${invoices.payments}::int
                   ) pay
                 ) end as payments
          from invoices i
          where i.organization_id = ${organizationId}::uuid and i.patient_id = p.id
            and i.deleted_at is null and (${invoices.statuses}::text[] is null or i.status = any(${invoices.statuses}::text[]))
          order by i.invoice_seq desc limit ${invoices.limit}::int
        ) i
      ) end)::text as invoices,
      -- clinicalNotePagesByPatientIds, first page (+ usersByIds for the author)
      (case when ${r.clinicalNotes !== null}::boolean then (
        select coalesce(json_agg(n order by n.created_at desc, n.id desc), '[]'::json) from (
          select n.id, n.organization_id, n.patient_id, n.encounter_id, n.author_id, n.note_type, n.title, n.body, n.status,
                 n.signed_at, n.signed_by, n.amends_note_id, n.created_at, n.updated_at, n.version,
                 to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text as sort_key,
                 case when ${notes.withAuthor}::boolean then (
                   select to_json(u) from (
                     select id, organization_id, email, display_name, given_name, family_name, title, specialty,
                            active, last_login_at, created_at, updated_at, version
                     from users where organization_id = ${organizationId}::uuid and id = n.author_id
                   ) u
                 ) end as author
          from clinical_notes n
          where n.organization_id = ${organizationId}::uuid and n.patient_id = p.id and n.deleted_at is null
          order by n.created_at desc, n.id desc limit ${notes.limit}::int
        ) n
      ) end)::text as clinical_notes,
      -- labTestsByPatientIds (+ labResultsByLabTestIds)
      (case when ${r.labTests !== null}::boolean then (
        select coalesce(json_agg(t order by t.ordered_at desc, t.id desc), '[]'::json) from (
          select t.id, t.organization_id, t.patient_id, t.encounter_id, t.ordered_by, t.test_code, t.test_name,
                 t.specimen_type, t.priority, t.status, t.clinical_indication, t.notes, t.ordered_at, t.collected_at,
                 t.resulted_at, t.cancelled_at, t.cancellation_reason, t.created_at, t.updated_at, t.version,
                 case when ${labs.results !== null}::boolean then (
                   select coalesce(json_agg(res order by res.resulted_at, res.id), '[]'::json) from (
                     select id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value,
                            result_numeric::text as result_numeric, result_unit, reference_range,
                            reference_low::text as reference_low, reference_high::text as reference_high, abnormal_flag,
                            status, notes, resulted_at, resulted_by, created_at, updated_at, version,
                            to_char(resulted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text as sort_key
                     from lab_results
                     where organization_id = ${organizationId}::uuid and lab_test_id = t.id and deleted_at is null
                     order by resulted_at, id
                     limit ${labs.results}::int
                   ) res
                 ) end as results
          from lab_tests t
          where t.organization_id = ${organizationId}::uuid and t.patient_id = p.id
            and t.deleted_at is null and (${labs.statuses}::text[] is null or t.status = any(${labs.statuses}::text[]))
          order by t.ordered_at desc, t.id desc
          limit ${labs.limit}::int
        ) t
      ) end)::text as lab_tests
    from unnest(${ids as string[]}::uuid[]) as p(id)
    -- summariesByPatientIds (the one-time filter skips it when not requested)
    left join lateral (
      select count(*)::int as encounter_count, max(enc.encounter_at)::timestamptz as last_encounter_at,
             (select count(*)::int from problem_list pl
               where ${r.summary}::boolean and pl.organization_id = ${organizationId}::uuid and pl.patient_id = p.id
                 and pl.status = 'ACTIVE' and pl.deleted_at is null) as active_problem_count
      from encounters enc
      where ${r.summary}::boolean and enc.organization_id = ${organizationId}::uuid and enc.patient_id = p.id
        and enc.deleted_at is null
    ) s on true
  `;
}
