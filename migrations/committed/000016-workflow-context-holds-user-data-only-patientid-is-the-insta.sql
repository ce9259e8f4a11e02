--! Previous: sha1:1b83ce9481f7bd13480a96dbe60f41c26360728b
--! Hash: sha1:34e65d57da7aa03d45a7ce6feaf070c554600dbd
--! Message: Workflow context holds user data only (patientId is the instance's column); task escalation columns

-- Workflow system context is not user data: the patient of an instance is
-- workflow_instances.patient_id (kept by trigger workflow_instances_patient
-- from the governed record since 000007); the copy that startWorkflow used to
-- put into the user context (where transition variables and task form data
-- could overwrite it) is removed. The API now refuses `patientId` in
-- variables and form data, and shows and guards read the column's value.
alter table workflow_instances no force row level security;
alter table workflow_instances disable trigger set_updated_at;
update workflow_instances set context = context - 'patientId' where context ? 'patientId';
alter table workflow_instances enable trigger set_updated_at;
alter table workflow_instances force row level security;

-- Escalation of overdue tasks (the job runner, src/workflows/escalation-*.ts):
-- escalated_at marks a task that was escalated (once); escalated_from links
-- the follow-up task opened for the supervisor role to the overdue task.
alter table workflow_tasks add column escalated_at timestamptz;
alter table workflow_tasks add column escalated_from uuid;
alter table workflow_tasks
  add constraint workflow_tasks_escalated_from_fkey
  foreign key (organization_id, escalated_from) references workflow_tasks (organization_id, id);
comment on column workflow_tasks.escalated_at is 'When the task was escalated for being overdue (null: never).';
comment on column workflow_tasks.escalated_from is 'For a follow-up task opened by escalation: the overdue task it is about.';
create index workflow_tasks_org_escalated_from_idx on workflow_tasks (organization_id, escalated_from);
-- What the escalation sweep scans: unfinished, not yet escalated tasks by due time.
create index workflow_tasks_org_escalation_due_idx on workflow_tasks (organization_id, due_at)
  where status in ('OPEN', 'CLAIMED') and escalated_at is null and escalated_from is null;
