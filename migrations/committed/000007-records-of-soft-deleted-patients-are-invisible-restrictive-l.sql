--! Previous: sha1:5bb450332e4a7a338d2cc184e20c0838c6272ca4
--! Hash: sha1:e9f101431d24d3672a223390bfa47a2ca47a610a
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
-- off is visible, so the rule applies transitively. Lists, connections,
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

-- The entity a workflow instance runs on must be visible (its own live_patient
-- policy applies inside this subquery); REFERRAL and ADMISSION have no table.
create policy live_patient on workflow_instances as restrictive using (
  case workflow_instances.entity_type
    when 'ENCOUNTER' then exists (select 1 from encounters x
      where x.organization_id = workflow_instances.organization_id and x.id = workflow_instances.entity_id)
    when 'LAB_ORDER' then exists (select 1 from lab_tests x
      where x.organization_id = workflow_instances.organization_id and x.id = workflow_instances.entity_id)
    when 'IMAGING_ORDER' then exists (select 1 from imaging_orders x
      where x.organization_id = workflow_instances.organization_id and x.id = workflow_instances.entity_id)
    when 'PRESCRIPTION' then exists (select 1 from prescriptions x
      where x.organization_id = workflow_instances.organization_id and x.id = workflow_instances.entity_id)
    when 'APPOINTMENT' then exists (select 1 from appointments x
      where x.organization_id = workflow_instances.organization_id and x.id = workflow_instances.entity_id)
    else true
  end);
comment on policy live_patient on workflow_instances is 'Visible while the record it runs on is (rows of a soft-deleted patient are not).';

create policy live_patient on workflow_transitions as restrictive using (
  exists (select 1 from workflow_instances i
          where i.organization_id = workflow_transitions.organization_id and i.id = workflow_transitions.instance_id));
comment on policy live_patient on workflow_transitions is 'Visible while its workflow instance is.';

create policy live_patient on workflow_tasks as restrictive using (
  exists (select 1 from workflow_instances i
          where i.organization_id = workflow_tasks.organization_id and i.id = workflow_tasks.instance_id));
comment on policy live_patient on workflow_tasks is 'Visible while its workflow instance is.';
