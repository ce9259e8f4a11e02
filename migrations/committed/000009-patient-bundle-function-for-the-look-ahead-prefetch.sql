--! Previous: sha1:2c376f2784ddccd7582227ab32b2374c44f35076
--! Hash: sha1:155fa83b0cbfb307db7c1dd373f8dedbfcbf7282
--! Message: Patient bundle function for the look-ahead prefetch

-- Patients' chart relations in one call, for the look-ahead prefetch
-- (src/patients/patient-prefetch.ts): one row per patient id. The request names
-- the relations a GraphQL selection asked for, with their arguments; every other
-- relation's CASE is false and never runs. PL/pgSQL with a generic plan, not an
-- inlinable SQL function: request transactions plan every statement afresh
-- (force_custom_plan), and planning this body inline cost 1.4 ms per page even
-- when nothing was requested (3.7 ms with everything), far more than running
-- it; here it is planned once per connection. One call per page, not per
-- patient, and the request's arguments read once into variables (a generic plan
-- would otherwise evaluate each JSON path for every row it filters).
-- Each relation is the same query (columns, filter, order, limit) as the
-- repository function its loader calls (named above it), so primed loaders
-- answer what their batches would; test/patients/patient-prefetch.test.ts
-- compares the two. Relations come back as JSON text (numerics as text), which
-- the API parses once. SECURITY INVOKER: row-level security applies as always.
--
-- p_request: {"summary": true, "balance": true,
--   "allergies"|"problems": {"statuses": [..]|null, "limit": n},
--   "prescriptions": {.., "prescriber": bool},
--   "encounters": {"statuses", "limit": page size + 1, "provider": bool, "vitalSigns": n|null},
--   "invoices": {"statuses", "limit": page size + 1, "payments": n|null},
--   "clinicalNotes": {"limit": page size + 1, "author": bool},
--   "labTests": {"statuses", "limit", "results": n|null}}

create function jsonb_text_array(p_value jsonb) returns text[]
  language sql immutable
  as $$ select case when jsonb_typeof(p_value) = 'array' then array(select jsonb_array_elements_text(p_value)) end $$;
comment on function jsonb_text_array(jsonb) is 'A JSON array of strings as text[]; null for anything else.';

create function patient_bundles(p_organization_id uuid, p_patient_ids uuid[], p_request jsonb)
  returns table (
    patient_id uuid, encounter_count int, last_encounter_at timestamptz, active_problem_count int, balance text,
    allergies text, problems text, prescriptions text, encounters text, invoices text, clinical_notes text,
    lab_tests text
  )
  language plpgsql stable
  set plan_cache_mode = force_generic_plan
  as $$
  #variable_conflict use_column
  declare
    want_summary boolean := p_request ? 'summary';
    want_balance boolean := p_request ? 'balance';
    want_allergies boolean := p_request ? 'allergies';
    allergies_statuses text[] := jsonb_text_array(p_request #> '{allergies,statuses}');
    allergies_limit int := (p_request #>> '{allergies,limit}')::int;
    want_problems boolean := p_request ? 'problems';
    problems_statuses text[] := jsonb_text_array(p_request #> '{problems,statuses}');
    problems_limit int := (p_request #>> '{problems,limit}')::int;
    want_prescriptions boolean := p_request ? 'prescriptions';
    prescriptions_statuses text[] := jsonb_text_array(p_request #> '{prescriptions,statuses}');
    prescriptions_limit int := (p_request #>> '{prescriptions,limit}')::int;
    want_encounters boolean := p_request ? 'encounters';
    encounters_statuses text[] := jsonb_text_array(p_request #> '{encounters,statuses}');
    encounters_limit int := (p_request #>> '{encounters,limit}')::int;
    want_invoices boolean := p_request ? 'invoices';
    invoices_statuses text[] := jsonb_text_array(p_request #> '{invoices,statuses}');
    invoices_limit int := (p_request #>> '{invoices,limit}')::int;
    want_clinical_notes boolean := p_request ? 'clinicalNotes';
    clinical_notes_limit int := (p_request #>> '{clinicalNotes,limit}')::int;
    want_lab_tests boolean := p_request ? 'labTests';
    lab_tests_statuses text[] := jsonb_text_array(p_request #> '{labTests,statuses}');
    lab_tests_limit int := (p_request #>> '{labTests,limit}')::int;
    prescriptions_prescriber boolean := coalesce((p_request #>> '{prescriptions,prescriber}')::boolean, false);
    encounters_provider boolean := coalesce((p_request #>> '{encounters,provider}')::boolean, false);
    encounters_vital_signs int := (p_request #>> '{encounters,vitalSigns}')::int;
    invoices_payments int := (p_request #>> '{invoices,payments}')::int;
    clinical_notes_author boolean := coalesce((p_request #>> '{clinicalNotes,author}')::boolean, false);
    lab_tests_results int := (p_request #>> '{labTests,results}')::int;
  begin
    return query select p.id,
      -- summariesByPatientIds
      case when want_summary then (
        select count(*)::int from encounters enc
        where enc.organization_id = p_organization_id and enc.patient_id = p.id and enc.deleted_at is null
      ) end,
      case when want_summary then (
        select max(enc.encounter_at) from encounters enc
        where enc.organization_id = p_organization_id and enc.patient_id = p.id and enc.deleted_at is null
      ) end,
      case when want_summary then (
        select count(*)::int from problem_list pl
        where pl.organization_id = p_organization_id and pl.patient_id = p.id
          and pl.status = 'ACTIVE' and pl.deleted_at is null
      ) end,
      -- balancesByPatientIds
      case when want_balance then (
        select coalesce(sum(i.balance_due), 0)::numeric(14,2)::text from invoices i
        where i.organization_id = p_organization_id and i.patient_id = p.id
          and i.status in ('ISSUED', 'PARTIALLY_PAID') and i.deleted_at is null
      ) end,
      -- drugAllergiesByPatientIds
      case when want_allergies then (
        select coalesce(json_agg(a order by a.created_at, a.id), '[]'::json)::text from (
          select id, organization_id, patient_id, allergen, allergen_code, reaction, severity, status, onset_date, recorded_by,
                 notes, created_at, updated_at, version
          from drug_allergies
          where organization_id = p_organization_id and patient_id = p.id and deleted_at is null
            and (allergies_statuses is null
                 or status = any(allergies_statuses))
          order by created_at, id
          limit allergies_limit
        ) a
      ) end,
      -- problemsByPatientIds
      case when want_problems then (
        select coalesce(json_agg(pr order by pr.created_at, pr.id), '[]'::json)::text from (
          select id, organization_id, patient_id, encounter_id, code, code_system, description, status, severity, onset_date,
                 resolved_date, recorded_by, notes, created_at, updated_at, version
          from problem_list
          where organization_id = p_organization_id and patient_id = p.id and deleted_at is null
            and (problems_statuses is null
                 or status = any(problems_statuses))
          order by created_at, id
          limit problems_limit
        ) pr
      ) end,
      -- prescriptionsByPatientIds (+ usersByIds for the prescriber)
      case when want_prescriptions then (
        select coalesce(json_agg(rx order by rx.start_date desc, rx.created_at desc, rx.id desc), '[]'::json)::text from (
          select rx.id, rx.organization_id, rx.patient_id, rx.encounter_id, rx.prescriber_id, rx.medication_name,
                 rx.medication_code, rx.dosage, rx.dose_amount::text as dose_amount, rx.dose_unit, rx.route, rx.frequency,
                 rx.duration_days, rx.quantity::text as quantity, rx.refills, rx.instructions, rx.status, rx.start_date,
                 rx.end_date, rx.discontinued_at, rx.discontinued_reason, rx.allergy_override_reason, rx.created_at,
                 rx.updated_at, rx.version,
                 case when prescriptions_prescriber then (
                   select to_json(u) from (
                     select id, organization_id, email, display_name, given_name, family_name, title, specialty,
                            active, last_login_at, created_at, updated_at, version
                     from users where organization_id = p_organization_id and id = rx.prescriber_id
                   ) u
                 ) end as prescriber
          from prescriptions rx
          where rx.organization_id = p_organization_id and rx.patient_id = p.id and rx.deleted_at is null
            and (prescriptions_statuses is null
                 or rx.status = any(prescriptions_statuses))
          order by rx.start_date desc, rx.created_at desc, rx.id desc
          limit prescriptions_limit
        ) rx
      ) end,
      -- encounterPagesByPatientIds, first page (+ usersByIds, vitalSignsByEncounterIds)
      case when want_encounters then (
        select coalesce(json_agg(e order by e.encounter_at desc, e.id desc), '[]'::json)::text from (
          select e.id, e.organization_id, e.patient_id, e.provider_id, e.department_id, e.encounter_type, e.status,
                 e.encounter_at, e.reason, e.chief_complaint, e.notes, e.scheduled_at, e.started_at, e.ended_at,
                 e.discharge_disposition, e.created_at, e.updated_at, e.version,
                 to_char(e.encounter_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_key,
                 case when encounters_provider then (
                   select to_json(u) from (
                     select id, organization_id, email, display_name, given_name, family_name, title, specialty,
                            active, last_login_at, created_at, updated_at, version
                     from users where organization_id = p_organization_id and id = e.provider_id
                   ) u
                 ) end as provider,
                 case when encounters_vital_signs is not null then (
                   select coalesce(json_agg(v order by v.recorded_at, v.id), '[]'::json) from (
                     select id, organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp,
                            heart_rate, respiratory_rate, temperature_c::text as temperature_c, spo2, weight_kg::text as weight_kg,
                            height_cm::text as height_cm, pain_score, notes, is_abnormal, abnormal_flags,
                            to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_key
                     from vital_signs
                     where organization_id = p_organization_id and encounter_id = e.id and deleted_at is null
                     order by recorded_at, id
                     limit encounters_vital_signs
                   ) v
                 ) end as vital_signs
          from encounters e
          where e.organization_id = p_organization_id and e.patient_id = p.id and e.deleted_at is null
            and (encounters_statuses is null
                 or e.status = any(encounters_statuses))
          order by e.encounter_at desc, e.id desc
          limit encounters_limit
        ) e
      ) end,
      -- invoicePagesByPatientIds, first page (+ paymentsByInvoiceIds)
      case when want_invoices then (
        select coalesce(json_agg(i order by i.invoice_seq desc), '[]'::json)::text from (
          select i.id, i.organization_id, i.invoice_number, i.invoice_seq::text as invoice_seq, i.patient_id, i.encounter_id,
                 i.status, i.currency, i.subtotal::text as subtotal, i.discount_total::text as discount_total,
                 i.tax_total::text as tax_total, i.total::text as total, i.amount_paid::text as amount_paid,
                 i.amount_refunded::text as amount_refunded, i.balance_due::text as balance_due, i.issued_at, i.due_date,
                 i.voided_at, i.void_reason, i.notes, i.created_by, i.created_at, i.updated_at, i.version,
                 case when invoices_payments is not null then (
                   select coalesce(json_agg(pay order by pay.received_at, pay.id), '[]'::json) from (
                     select id, organization_id, invoice_id, patient_id, amount::text as amount, currency, method, kind,
                            refund_of_payment_id, refunded_amount::text as refunded_amount, reference, idempotency_key,
                            received_at, received_by, reason, status, created_at, updated_at, version
                     from payments
                     where organization_id = p_organization_id and invoice_id = i.id and deleted_at is null
                     order by received_at, id
                     limit invoices_payments
                   ) pay
                 ) end as payments
          from invoices i
          where i.organization_id = p_organization_id and i.patient_id = p.id and i.deleted_at is null
            and (invoices_statuses is null
                 or i.status = any(invoices_statuses))
          order by i.invoice_seq desc
          limit invoices_limit
        ) i
      ) end,
      -- clinicalNotePagesByPatientIds, first page (+ usersByIds for the author)
      case when want_clinical_notes then (
        select coalesce(json_agg(n order by n.created_at desc, n.id desc), '[]'::json)::text from (
          select n.id, n.organization_id, n.patient_id, n.encounter_id, n.author_id, n.note_type, n.title, n.body, n.status,
                 n.signed_at, n.signed_by, n.amends_note_id, n.created_at, n.updated_at, n.version,
                 to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_key,
                 case when clinical_notes_author then (
                   select to_json(u) from (
                     select id, organization_id, email, display_name, given_name, family_name, title, specialty,
                            active, last_login_at, created_at, updated_at, version
                     from users where organization_id = p_organization_id and id = n.author_id
                   ) u
                 ) end as author
          from clinical_notes n
          where n.organization_id = p_organization_id and n.patient_id = p.id and n.deleted_at is null
          order by n.created_at desc, n.id desc
          limit clinical_notes_limit
        ) n
      ) end,
      -- labTestsByPatientIds (+ labResultsByLabTestIds)
      case when want_lab_tests then (
        select coalesce(json_agg(t order by t.ordered_at desc, t.id desc), '[]'::json)::text from (
          select t.id, t.organization_id, t.patient_id, t.encounter_id, t.ordered_by, t.test_code, t.test_name,
                 t.specimen_type, t.priority, t.status, t.clinical_indication, t.notes, t.ordered_at, t.collected_at,
                 t.resulted_at, t.cancelled_at, t.cancellation_reason, t.created_at, t.updated_at, t.version,
                 case when lab_tests_results is not null then (
                   select coalesce(json_agg(res order by res.resulted_at, res.id), '[]'::json) from (
                     select id, organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value,
                            result_numeric::text as result_numeric, result_unit, reference_range,
                            reference_low::text as reference_low, reference_high::text as reference_high, abnormal_flag,
                            status, notes, resulted_at, resulted_by, created_at, updated_at, version,
                            to_char(resulted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_key
                     from lab_results
                     where organization_id = p_organization_id and lab_test_id = t.id and deleted_at is null
                     order by resulted_at, id
                     limit lab_tests_results
                   ) res
                 ) end as results
          from lab_tests t
          where t.organization_id = p_organization_id and t.patient_id = p.id and t.deleted_at is null
            and (lab_tests_statuses is null
                 or t.status = any(lab_tests_statuses))
          order by t.ordered_at desc, t.id desc
          limit lab_tests_limit
        ) t
      ) end
    from unnest(p_patient_ids) as p(id);
  end
  $$;
comment on function patient_bundles(uuid, uuid[], jsonb) is
  'Patients'' requested chart relations as JSON text, for the API''s look-ahead prefetch; security invoker (RLS applies).';
grant execute on function jsonb_text_array(jsonb) to health_app;
grant execute on function patient_bundles(uuid, uuid[], jsonb) to health_app;
