--! Previous: sha1:540c25bd838c15639b909d05ca4ba31f3358134f
--! Hash: sha1:1b83ce9481f7bd13480a96dbe60f41c26360728b
--! Message: One accounting model for invoices

-- One accounting model for invoices (src/billing/invoice-accounting.ts states the invariants; these
-- checks restate them so a mistake in the API fails the write instead of storing wrong money):
--   balance_due = total − (amount_paid − amount_refunded) − amount_adjusted, never negative; 0 when VOID
--   status      = invoice_status(total, paid, refunded, adjusted, issued, voided)   (a pure function)
--   collectible = invoice_is_collectible(status): issued, not void, balance left
-- Unpaid balances leave receivables only through invoice_adjustments rows (WRITE_OFF, CREDIT_NOTE), whose
-- sum is amount_adjusted. Patient.balance, receivables aging and the overdue filter all use
-- invoice_is_collectible.

create function invoice_balance_due(p_total numeric, p_paid numeric, p_refunded numeric, p_adjusted numeric, p_voided boolean)
  returns numeric
  language sql immutable parallel safe
  as $$ select case when p_voided then 0::numeric else p_total - (p_paid - p_refunded) - p_adjusted end $$;
comment on function invoice_balance_due(numeric, numeric, numeric, numeric, boolean) is
  'What is still owed on an invoice: total − net paid − adjustments; nothing once void.';

create function invoice_status(p_total numeric, p_paid numeric, p_refunded numeric, p_adjusted numeric,
                               p_issued boolean, p_voided boolean)
  returns text
  language sql immutable parallel safe
  as $$
    select case
      when p_voided then 'VOID'
      when not p_issued then 'DRAFT'
      when p_total - (p_paid - p_refunded) - p_adjusted = 0 then case when p_adjusted > 0 then 'ADJUSTED' else 'PAID' end
      when p_refunded > 0 then case when p_paid = p_refunded then 'REFUNDED' else 'PARTIALLY_REFUNDED' end
      when p_paid = 0 then 'ISSUED'
      else 'PARTIALLY_PAID'
    end
  $$;
comment on function invoice_status(numeric, numeric, numeric, numeric, boolean, boolean) is
  'An invoice''s status as a pure function of its amounts and life-cycle facts (statusOf in invoice-accounting.ts).';

create function invoice_is_collectible(p_status text)
  returns boolean
  language sql immutable parallel safe
  as $$ select p_status in ('ISSUED', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') $$;
comment on function invoice_is_collectible(text) is
  'Issued, not void, with a balance left (the statuses invoice_status gives exactly then): counted in receivables.';

grant execute on function invoice_balance_due(numeric, numeric, numeric, numeric, boolean) to health_app;
grant execute on function invoice_status(numeric, numeric, numeric, numeric, boolean, boolean) to health_app;
grant execute on function invoice_is_collectible(text) to health_app;

alter table invoices add column amount_adjusted numeric(12,2) not null default 0 check (amount_adjusted >= 0);
comment on column invoices.amount_adjusted is 'Sum of the invoice''s adjustments (write-offs, credit notes).';

-- Rows written under the previous rules: a VOID invoice owes nothing. Forced row-level security would hide
-- every row from a non-superuser owner here, so it is lifted for this statement only.
alter table invoices no force row level security;
update invoices set balance_due = 0 where status = 'VOID' and balance_due <> 0;
alter table invoices force row level security;

alter table invoices
  drop constraint invoices_status_check,
  add constraint invoices_status_check check (status in (
    'DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'VOID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'ADJUSTED')),
  drop constraint invoices_net_paid_within_total,
  add constraint invoices_settled_within_total check (amount_paid - amount_refunded + amount_adjusted <= total),
  drop constraint invoices_balance_formula,
  add constraint invoices_balance_formula check (
    balance_due = invoice_balance_due(total, amount_paid, amount_refunded, amount_adjusted, voided_at is not null)),
  add constraint invoices_status_formula check (
    status = invoice_status(total, amount_paid, amount_refunded, amount_adjusted, issued_at is not null, voided_at is not null)),
  add constraint invoices_void_holds_no_money check (status <> 'VOID' or amount_paid = amount_refunded);

-- A discount may take the whole line amount as shown (quantity × unit price rounded half-up to the cent).
alter table invoice_line_items
  drop constraint invoice_line_items_discount_within_amount,
  add constraint invoice_line_items_discount_within_amount check (discount <= round(quantity * unit_price, 2));

create table invoice_adjustments (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  invoice_id      uuid not null,
  patient_id      uuid not null,
  kind            text not null check (kind in ('WRITE_OFF', 'CREDIT_NOTE')),
  amount          numeric(12,2) not null check (amount > 0),
  currency        char(3) not null check (currency ~ '^[A-Z]{3}$'),
  reason          text not null check (char_length(reason) between 1 and 1000),
  created_by      uuid not null,
  created_at      timestamptz not null default now(),
  primary key (organization_id, id),
  foreign key (organization_id, patient_id, invoice_id) references invoices (organization_id, patient_id, id),
  foreign key (organization_id, created_by) references users (organization_id, id)
);
comment on table invoice_adjustments is
  'Audited reductions of an invoice''s unpaid balance (write-off, credit note); never updated or deleted.';
create index invoice_adjustments_org_invoice_idx on invoice_adjustments (organization_id, invoice_id, created_at, id);
create index invoice_adjustments_org_created_by_idx on invoice_adjustments (organization_id, created_by);
alter table invoice_adjustments enable row level security;
alter table invoice_adjustments force row level security;
create policy tenant_isolation on invoice_adjustments
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy live_patient on invoice_adjustments as restrictive using (
  exists (select 1 from ehr_patients p where p.organization_id = invoice_adjustments.organization_id
          and p.id = invoice_adjustments.patient_id and p.deleted_at is null));
comment on policy live_patient on invoice_adjustments is
  'Rows of a soft-deleted patient are invisible and immutable (restorePatient brings them back).';
grant select, insert on invoice_adjustments to health_app;

-- The look-ahead prefetch (migration 000009) answers as the loaders do: invoices carry amount_adjusted and
-- the balance counts collectible invoices only. The body is 000009's with those two changes.
create or replace function patient_bundles(p_organization_id uuid, p_patient_ids uuid[], p_request jsonb)
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
          and invoice_is_collectible(i.status) and i.deleted_at is null
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
                 i.amount_refunded::text as amount_refunded, i.amount_adjusted::text as amount_adjusted,
                 i.balance_due::text as balance_due, i.issued_at, i.due_date,
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
grant execute on function patient_bundles(uuid, uuid[], jsonb) to health_app;
