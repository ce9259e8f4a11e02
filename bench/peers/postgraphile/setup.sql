-- What a PostGraphile user adds to serve the benchmark's operations that the
-- generated CRUD schema cannot express: full-text search ordered by name,
-- the patient's balance and open invoices (computed columns), and writes that
-- audit themselves like the API's services do. Created by bench/run.ts in the
-- benchmark database only, in a schema of its own (the API never reads it).
-- Everything runs as the caller (role health_app via pgSettings), so
-- row-level security applies exactly as for the API.

drop schema if exists bench_pg cascade;
create schema bench_pg;
grant usage on schema bench_pg to health_app;

-- Search (the API's patients(filter: {search}) semantics), in name order.
create function bench_pg.search_patients(search tsquery) returns setof ehr_patients
  language sql stable
  as $$
    select p.* from ehr_patients p
    where p.organization_id = app_current_org() and p.deleted_at is null and p.search_vector @@ search
    order by p.last_name, p.first_name, p.id
  $$;

-- Patient.balance: what the patient owes on collectable invoices.
create function bench_pg.ehr_patients_balance(p ehr_patients) returns numeric
  language sql stable
  as $$
    select coalesce(sum(i.balance_due), 0)::numeric(14,2) from invoices i
    where i.organization_id = p.organization_id and i.patient_id = p.id
      and i.status in ('ISSUED', 'PARTIALLY_PAID') and i.deleted_at is null
  $$;

-- Patient.openInvoices: collectable invoices, newest first.
create function bench_pg.ehr_patients_open_invoices(p ehr_patients) returns setof invoices
  language sql stable
  as $$
    select i.* from invoices i
    where i.organization_id = p.organization_id and i.patient_id = p.id
      and i.status in ('ISSUED', 'PARTIALLY_PAID') and i.deleted_at is null
    order by i.invoice_seq desc
  $$;

-- createEncounter: lock the patient, insert, audit.
create function bench_pg.open_encounter(patient_id uuid, encounter_type text, reason text) returns encounters
  language plpgsql volatile
  as $$
  declare
    row encounters;
  begin
    perform 1 from ehr_patients p
      where p.organization_id = app_current_org() and p.id = open_encounter.patient_id and p.deleted_at is null
      for update;
    if not found then raise exception 'patient not found' using errcode = 'P0002'; end if;
    insert into encounters (organization_id, patient_id, provider_id, encounter_type, status, encounter_at, reason)
      values (app_current_org(), open_encounter.patient_id, app_current_user(), open_encounter.encounter_type, 'PLANNED', now(),
              open_encounter.reason)
      returning * into row;
    insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes)
      values (app_current_org(), app_current_user(), 'encounter.create', 'encounter', row.id,
              jsonb_build_object('before', null, 'after', to_jsonb(row)));
    return row;
  end
  $$;

-- recordVitalSigns: lock the patient, flag against the API's adult reference ranges, insert, audit.
create function bench_pg.record_vitals(
  patient_id uuid, encounter_id uuid, systolic_bp int, diastolic_bp int, heart_rate int, temperature_c numeric, spo2 int
) returns vital_signs
  language plpgsql volatile
  as $$
  declare
    row vital_signs;
    flags text[] := '{}';
  begin
    perform 1 from ehr_patients p
      where p.organization_id = app_current_org() and p.id = record_vitals.patient_id and p.deleted_at is null
      for update;
    if not found then raise exception 'patient not found' using errcode = 'P0002'; end if;
    if systolic_bp < 90 then flags := flags || 'SYSTOLIC_BP_LOW'; elsif systolic_bp > 139 then flags := flags || 'SYSTOLIC_BP_HIGH'; end if;
    if diastolic_bp < 60 then flags := flags || 'DIASTOLIC_BP_LOW'; elsif diastolic_bp > 89 then flags := flags || 'DIASTOLIC_BP_HIGH'; end if;
    if heart_rate < 60 then flags := flags || 'HEART_RATE_LOW'; elsif heart_rate > 100 then flags := flags || 'HEART_RATE_HIGH'; end if;
    if temperature_c < 36.1 then flags := flags || 'TEMPERATURE_LOW'; elsif temperature_c > 37.9 then flags := flags || 'TEMPERATURE_HIGH'; end if;
    if spo2 < 95 then flags := flags || 'SPO2_LOW'; end if;
    insert into vital_signs (organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp,
                             heart_rate, temperature_c, spo2, is_abnormal, abnormal_flags)
      values (app_current_org(), record_vitals.patient_id, record_vitals.encounter_id, app_current_user(), now(),
              record_vitals.systolic_bp, record_vitals.diastolic_bp, record_vitals.heart_rate, record_vitals.temperature_c,
              record_vitals.spo2, cardinality(flags) > 0, flags)
      returning * into row;
    insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes)
      values (app_current_org(), app_current_user(), 'vital_signs.record', 'vital_signs', row.id,
              jsonb_build_object('before', null, 'after', to_jsonb(row)));
    return row;
  end
  $$;

-- recordPayment: lock the invoice, check it is collectable and covers the amount, insert, move the balance, audit.
create function bench_pg.pay_invoice(invoice_id uuid, amount numeric, method text) returns payments
  language plpgsql volatile
  as $$
  declare
    inv invoices;
    row payments;
  begin
    select * into inv from invoices i
      where i.organization_id = app_current_org() and i.id = pay_invoice.invoice_id and i.deleted_at is null
      for update;
    if not found then raise exception 'invoice not found' using errcode = 'P0002'; end if;
    if inv.status not in ('ISSUED', 'PARTIALLY_PAID') or inv.balance_due < pay_invoice.amount then
      raise exception 'invoice is not payable for this amount' using errcode = 'P0001';
    end if;
    insert into payments (organization_id, invoice_id, patient_id, amount, currency, method, kind, received_by)
      values (app_current_org(), inv.id, inv.patient_id, pay_invoice.amount, inv.currency, pay_invoice.method, 'PAYMENT',
              app_current_user())
      returning * into row;
    update invoices i set amount_paid = i.amount_paid + row.amount, balance_due = i.balance_due - row.amount,
           status = case when i.balance_due - row.amount = 0 then 'PAID' else 'PARTIALLY_PAID' end, version = i.version + 1
      where i.organization_id = inv.organization_id and i.id = inv.id;
    insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes)
      values (app_current_org(), app_current_user(), 'payment.record', 'payment', row.id,
              jsonb_build_object('before', null, 'after', to_jsonb(row)));
    return row;
  end
  $$;

grant execute on all functions in schema bench_pg to health_app;

-- The day view: one department's appointments in [from, to), by start time (no range filter in the generated schema).
create function bench_pg.department_appointments(department_id uuid, "from" timestamptz, "to" timestamptz) returns setof appointments
  language sql stable
  as $$
    select a.* from appointments a
    where a.organization_id = app_current_org() and a.department_id = department_appointments.department_id and a.deleted_at is null
      and a.scheduled_datetime >= department_appointments."from" and a.scheduled_datetime < department_appointments."to"
    order by a.scheduled_datetime, a.id
  $$;

-- The invoice list: invoices in the given statuses, newest (highest number) first.
create function bench_pg.invoices_by_status(statuses text[]) returns setof invoices
  language sql stable
  as $$
    select i.* from invoices i
    where i.organization_id = app_current_org() and i.deleted_at is null and i.status = any(statuses)
    order by i.invoice_seq desc
  $$;

-- The task inbox (the API's myTasks): open or claimed tasks of the user, or of their roles with no user assigned, oldest first.
create function bench_pg.task_inbox(user_id uuid, roles text[]) returns setof workflow_tasks
  language sql stable
  as $$
    select t.* from workflow_tasks t
    where t.organization_id = app_current_org() and t.status in ('OPEN', 'CLAIMED')
      and (t.assigned_user_id = task_inbox.user_id or t.claimed_by = task_inbox.user_id
           or (t.assigned_user_id is null and t.assigned_role = any(task_inbox.roles)))
    order by t.created_at, t.id
  $$;

-- The OPD queue board: one department's day in serving order (in consultation, called, waiting by priority and token, done, left).
create function bench_pg.opd_queue_board(department_id uuid, day date) returns setof opd_queue
  language sql stable
  as $$
    select q.* from opd_queue q
    where q.organization_id = app_current_org() and q.department_id = opd_queue_board.department_id and q.queue_date = opd_queue_board.day
    order by case q.status when 'IN_CONSULTATION' then 0 when 'CALLED' then 1 when 'WAITING' then 2 when 'DONE' then 3 else 4 end,
             q.priority_rank, q.token_number
  $$;

-- OpdQueue.position: 1 for the next WAITING patient to be called …; null unless WAITING.
create function bench_pg.opd_queue_position(q opd_queue) returns int
  language sql stable
  as $$
    select case when q.status = 'WAITING' then (
      select count(*)::int from opd_queue o
      where o.organization_id = q.organization_id and o.department_id = q.department_id and o.queue_date = q.queue_date
        and o.status = 'WAITING' and (o.priority_rank, o.token_number) <= (q.priority_rank, q.token_number)) end
  $$;

-- OpdQueue.estimatedWaitMinutes: (waiting ahead + in service) × the day's average consultation (10 min when none); null unless WAITING.
create function bench_pg.opd_queue_estimated_wait_minutes(q opd_queue) returns int
  language sql stable
  as $$
    select case when q.status = 'WAITING' then (
      (bench_pg.opd_queue_position(q) - 1 + count(*) filter (where o.status in ('CALLED', 'IN_CONSULTATION')))
      * greatest(1, round(coalesce(avg(extract(epoch from o.completed_at - o.consultation_started_at) / 60)
          filter (where o.status = 'DONE' and o.completed_at is not null and o.consultation_started_at is not null), 10))))::int end
    from opd_queue o
    where o.organization_id = q.organization_id and o.department_id = q.department_id and o.queue_date = q.queue_date
  $$;

grant execute on all functions in schema bench_pg to health_app;
