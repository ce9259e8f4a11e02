--! Previous: sha1:5bb450332e4a7a338d2cc184e20c0838c6272ca4
--! Hash: sha1:e0d764cf22081741d68d6aecc2e387600e609740
--! Message: Records of soft-deleted patients are invisible: restrictive live_patient row-level security policies

-- Soft delete with one rule: the records of a soft-deleted patient are
-- invisible to every query of every role, enforced by row-level security.
--
-- Every table whose rows belong to a patient gets a RESTRICTIVE policy
-- `live_patient` (ANDed with tenant_isolation) that lets a row through only
-- while its patient is live (ehr_patients.deleted_at is null). Rows that
-- belong to a patient only through another row (invoice line items through
-- their invoice; workflow instances through the record they run on; their
-- transitions and tasks through the instance) check that the row they hang
-- off is visible, so the rule applies transitively (workflow instances carry
-- the patient of their record, kept by a trigger). Lists, connections,
-- counts, reports and node lookups therefore all drop such rows without any
-- repository having to remember a filter; updates cannot reach them and new
-- rows cannot be attached to a deleted patient. ehr_patients itself keeps
-- only tenant_isolation: its repositories already filter `deleted_at is null`,
-- and restorePatient must find the deleted row to bring it back, which brings
-- every record back with it (records are never marked themselves).
--
-- The patient check is an inline EXISTS (not a function call) so the planner
-- runs it as a cheap index-only probe of the partial index below.

create index ehr_patients_live_id_idx on ehr_patients (organization_id, id) where deleted_at is null;
comment on index ehr_patients_live_id_idx is 'Index-only liveness probe of the live_patient row-level security policies.';

do $$
declare
  t text;
begin
  foreach t in array array[
    'encounters', 'vital_signs', 'problem_list', 'clinical_notes', 'lab_tests', 'lab_results', 'imaging_orders',
    'anatomy_findings', 'prescriptions', 'drug_allergies', 'appointments', 'opd_queue', 'invoices', 'payments'
  ] loop
    execute format(
      'create policy live_patient on %1$I as restrictive using ('
      || 'exists (select 1 from ehr_patients p where p.organization_id = %1$I.organization_id'
      || ' and p.id = %1$I.patient_id and p.deleted_at is null))',
      t);
    execute format('comment on policy live_patient on %1$I is %2$L', t,
      'Rows of a soft-deleted patient are invisible and immutable (restorePatient brings them back).');
  end loop;
end
$$;

create policy live_patient on invoice_line_items as restrictive using (
  exists (select 1 from invoices i
          where i.organization_id = invoice_line_items.organization_id and i.id = invoice_line_items.invoice_id));
comment on policy live_patient on invoice_line_items is 'Visible while its invoice is (see live_patient on invoices).';

-- A workflow instance runs on a record (its entity); the patient of that record
-- is kept on the instance by a trigger, so the instance's policy is the same
-- direct liveness probe as every other table's (REFERRAL and ADMISSION have no
-- record: patient_id stays null and the instance is always visible).
alter table workflow_instances add column patient_id uuid;
comment on column workflow_instances.patient_id is
  'Patient of the record the instance runs on (set by trigger workflow_instances_patient); null for entity types without a record.';
alter table workflow_instances
  add constraint workflow_instances_patient_fkey
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id);
create index workflow_instances_org_patient_idx on workflow_instances (organization_id, patient_id);

create function workflow_instances_patient() returns trigger
  language plpgsql
  as $$
begin
  new.patient_id := case new.entity_type
    when 'ENCOUNTER' then (select x.patient_id from encounters x where x.organization_id = new.organization_id and x.id = new.entity_id)
    when 'LAB_ORDER' then (select x.patient_id from lab_tests x where x.organization_id = new.organization_id and x.id = new.entity_id)
    when 'IMAGING_ORDER' then (select x.patient_id from imaging_orders x where x.organization_id = new.organization_id and x.id = new.entity_id)
    when 'PRESCRIPTION' then (select x.patient_id from prescriptions x where x.organization_id = new.organization_id and x.id = new.entity_id)
    when 'APPOINTMENT' then (select x.patient_id from appointments x where x.organization_id = new.organization_id and x.id = new.entity_id)
  end;
  return new;
end
$$;
comment on function workflow_instances_patient() is 'BEFORE INSERT/UPDATE trigger: workflow_instances.patient_id = the patient of the entity the instance runs on.';
create trigger workflow_instances_patient before insert or update of entity_type, entity_id, patient_id on workflow_instances
  for each row execute function workflow_instances_patient();

-- Backfill as the owner, past forced row-level security (no tenant is set here).
alter table workflow_instances no force row level security;
alter table encounters no force row level security;
alter table lab_tests no force row level security;
alter table imaging_orders no force row level security;
alter table prescriptions no force row level security;
alter table appointments no force row level security;
update workflow_instances set patient_id = null;
alter table workflow_instances force row level security;
alter table encounters force row level security;
alter table lab_tests force row level security;
alter table imaging_orders force row level security;
alter table prescriptions force row level security;
alter table appointments force row level security;

create policy live_patient on workflow_instances as restrictive using (
  workflow_instances.patient_id is null
  or exists (select 1 from ehr_patients p where p.organization_id = workflow_instances.organization_id
             and p.id = workflow_instances.patient_id and p.deleted_at is null));
comment on policy live_patient on workflow_instances is 'Instances on a soft-deleted patient''s records are invisible and immutable.';

create policy live_patient on workflow_transitions as restrictive using (
  exists (select 1 from workflow_instances i
          where i.organization_id = workflow_transitions.organization_id and i.id = workflow_transitions.instance_id));
comment on policy live_patient on workflow_transitions is 'Visible while its workflow instance is.';

create policy live_patient on workflow_tasks as restrictive using (
  exists (select 1 from workflow_instances i
          where i.organization_id = workflow_tasks.organization_id and i.id = workflow_tasks.instance_id));
comment on policy live_patient on workflow_tasks is 'Visible while its workflow instance is.';
