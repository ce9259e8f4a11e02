--! Previous: sha1:e07d7c6ee6269415b476220d4494dd0b69cb4083
--! Hash: sha1:3573856b0b5be3f2241965f3f72ac37cee32dac7
--! Message: Compliance: COMPLIANCE_OFFICER role, the patient of every audit row, indexes of the compliance lists

-- Compliance queries (issue 17): the COMPLIANCE_OFFICER role, the patient of
-- every audit row, and the indexes behind auditEvents / patientAccessLog.
--
-- health_app already reads audit_log and phi_access_log (grant select, policy
-- tenant_isolation for all commands, forced row-level security), so the API
-- reads them in the request's organization only and needs no new grant.

-- The role row (user_roles.role_code references it); its permissions live in
-- the server's matrix (src/kernel/auth/permissions.ts), like every role's.
insert into roles (code, name, description) values
  ('COMPLIANCE_OFFICER', 'Compliance officer',
   'Reviews the audit trail and who accessed each patient''s record; reads no clinical records.')
on conflict (code) do nothing;

-- Which patient an audited change concerns (its subject; not `patient_id`:
-- the row is about the patient, not owned by them, and outlives their
-- deletion, so the live_patient rule of patient-owned tables does not apply),
-- so "who changed this patient's record" is one index range instead of a join per record table. Derived on
-- insert from the entity the row names (a record's patient), in the inserting
-- transaction and under its row-level security, so it never names a patient
-- of another organization.
alter table audit_log add column if not exists subject_patient_id uuid;
comment on column audit_log.subject_patient_id is
  'Patient whose record the row concerns (the patient itself or the owner of the record named by entity_type/entity_id); set by trigger audit_log_patient; null when none.';

-- The patient of an audited entity. One statement per entity type, run only
-- for that type: health_auth (sign-in rows: user, refresh_token_family) never
-- touches a clinical table it may not read. A refused mutation names the
-- mutation field as its entity type and whatever id it was given, so its id is
-- looked up as a patient and then as each kind of record.
create or replace function audit_entity_patient(p_org uuid, p_action text, p_entity_type text, p_entity_id uuid)
  returns uuid
  language plpgsql stable
  as $$
declare
  found uuid;
begin
  if p_entity_id is null then
    return null;
  end if;
  if p_action = 'mutation.refused' then
    found := (select x.id from ehr_patients x where x.organization_id = p_org and x.id = p_entity_id);
    if found is not null then return found; end if;
    foreach p_entity_type in array array['encounter', 'vital_signs', 'problem', 'clinical_note', 'drug_allergy', 'prescription',
      'lab_test', 'lab_result', 'imaging_order', 'anatomy_finding', 'appointment', 'opd_queue_entry', 'invoice', 'payment',
      'workflow_instance', 'workflow_task'] loop
      found := audit_entity_patient(p_org, null, p_entity_type, p_entity_id);
      if found is not null then return found; end if;
    end loop;
    return null;
  end if;
  case p_entity_type
    when 'patient' then return p_entity_id;
    when 'encounter' then return (select x.patient_id from encounters x where x.organization_id = p_org and x.id = p_entity_id);
    when 'vital_signs' then return (select x.patient_id from vital_signs x where x.organization_id = p_org and x.id = p_entity_id);
    when 'problem' then return (select x.patient_id from problem_list x where x.organization_id = p_org and x.id = p_entity_id);
    when 'clinical_note' then return (select x.patient_id from clinical_notes x where x.organization_id = p_org and x.id = p_entity_id);
    when 'drug_allergy' then return (select x.patient_id from drug_allergies x where x.organization_id = p_org and x.id = p_entity_id);
    when 'prescription' then return (select x.patient_id from prescriptions x where x.organization_id = p_org and x.id = p_entity_id);
    when 'lab_test' then return (select x.patient_id from lab_tests x where x.organization_id = p_org and x.id = p_entity_id);
    when 'lab_result' then return (select x.patient_id from lab_results x where x.organization_id = p_org and x.id = p_entity_id);
    when 'imaging_order' then return (select x.patient_id from imaging_orders x where x.organization_id = p_org and x.id = p_entity_id);
    when 'anatomy_finding' then return (select x.patient_id from anatomy_findings x where x.organization_id = p_org and x.id = p_entity_id);
    when 'appointment' then return (select x.patient_id from appointments x where x.organization_id = p_org and x.id = p_entity_id);
    when 'opd_queue_entry' then return (select x.patient_id from opd_queue x where x.organization_id = p_org and x.id = p_entity_id);
    when 'invoice' then return (select x.patient_id from invoices x where x.organization_id = p_org and x.id = p_entity_id);
    when 'payment' then return (select x.patient_id from payments x where x.organization_id = p_org and x.id = p_entity_id);
    when 'workflow_instance' then
      return (select x.patient_id from workflow_instances x where x.organization_id = p_org and x.id = p_entity_id);
    when 'workflow_task' then
      return (select i.patient_id from workflow_tasks t
              join workflow_instances i on i.organization_id = t.organization_id and i.id = t.instance_id
              where t.organization_id = p_org and t.id = p_entity_id);
    else return null;
  end case;
end
$$;
comment on function audit_entity_patient(uuid, text, text, uuid) is
  'Patient of the entity an audit row names (audit_log.subject_patient_id), read under the caller''s row-level security; null when none.';
grant execute on function audit_entity_patient(uuid, text, text, uuid) to health_app, health_auth;

create or replace function audit_log_patient() returns trigger
  language plpgsql
  as $$
begin
  if new.subject_patient_id is null then
    new.subject_patient_id := audit_entity_patient(new.organization_id, new.action, new.entity_type, new.entity_id);
  end if;
  return new;
end
$$;
comment on function audit_log_patient() is 'BEFORE INSERT trigger: audit_log.subject_patient_id = the patient of the audited entity, unless given.';
grant execute on function audit_log_patient() to health_app, health_auth;
drop trigger if exists audit_log_patient on audit_log;
create trigger audit_log_patient before insert on audit_log
  for each row execute function audit_log_patient();

-- Rows written before this migration: the one update ever made to the log,
-- filling the derived column only (no recorded value changes). Forced
-- row-level security shows the migration user every organization only when it
-- is a superuser or BYPASSRLS, as embedded, docker and test databases run it;
-- otherwise older rows keep subject_patient_id null (README, Compliance).
alter table audit_log disable trigger audit_log_immutable;
update audit_log set subject_patient_id = audit_entity_patient(organization_id, action, entity_type, entity_id)
where subject_patient_id is null and entity_id is not null;
alter table audit_log enable trigger audit_log_immutable;

-- Indexes of the compliance lists: each filter of auditEvents is one index
-- range read in keyset order (occurred_at, id), forward or backward. The
-- previous (organization, occurred_at), (organization, actor, occurred_at) and
-- (organization, entity_type, entity_id, occurred_at) indexes are replaced by
-- the same keys ending in id (an entity id is a UUID: entity_type is a filter).
drop index if exists audit_log_org_occurred_idx;
drop index if exists audit_log_org_actor_idx;
drop index if exists audit_log_org_entity_idx;
create index if not exists audit_log_org_occurred_id_idx on audit_log (organization_id, occurred_at, id);
create index if not exists audit_log_org_actor_occurred_idx on audit_log (organization_id, actor_user_id, occurred_at, id);
create index if not exists audit_log_org_entity_occurred_idx on audit_log (organization_id, entity_id, occurred_at, id)
  where entity_id is not null;
create index if not exists audit_log_org_action_occurred_idx on audit_log (organization_id, action, occurred_at, id);
create index if not exists audit_log_org_patient_occurred_idx on audit_log (organization_id, subject_patient_id, occurred_at, id)
  where subject_patient_id is not null;
-- The reads of a patient come from phi_access_log_patient_ids_idx (GIN on
-- patient_ids, `patient_ids @> array[patient]`), then a top-N sort of that
-- patient's rows: a row per patient read would cost every read request a
-- write per patient, on the API's hottest path.
