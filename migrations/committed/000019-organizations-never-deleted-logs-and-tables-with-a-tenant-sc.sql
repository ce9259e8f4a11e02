--! Previous: sha1:bbc93fec1faae5ff6d09b8971189b82e1b19fbc7
--! Hash: sha1:42d9607e4f5e30ea1e555d966e4c4024c0d25638
--! Message: Organizations never deleted; logs and tables with a tenant-scoped key keep no foreign key to organizations (no MultiXact on the organization row)

-- No statement locks the organization's row (issue 15).
--
-- A foreign key check locks the row it finds FOR KEY SHARE. Every tenant row
-- names its organization, so a plain foreign key to organizations made every
-- insert lock the one row of its organization. When many transactions hold
-- that lock at once, PostgreSQL records the lockers in a MultiXact that each
-- new locker copies and rewrites. That happened on every request: each read
-- transaction inserts its PHI access row, and each write inserts its rows and
-- its audit rows. Under the bench's 16 clients, the PHI access insert cost
-- 0.4–0.7 ms of PostgreSQL time, half of it this lock.
--
-- What the dropped keys guaranteed still holds:
-- * Organizations are never deleted (the trigger below). An organization's
--   records, and its audit and PHI access logs above all, outlive it.
-- * A table whose plain key is dropped keeps a key that starts with
--   organization_id, on NOT NULL columns, to a tenant table (its patient, its
--   user, its invoice, ...). That key's row belongs to the same organization,
--   and that table's own key reaches organizations.
--   test/foundation/organization-keys.test.ts checks this for every table.
-- * The audit and PHI access logs keep no key to organizations. Their row-level
--   security admits a row only for the organization of the transaction's scope,
--   which the server takes from a signed token of an existing organization.
--
-- Dropping a key on a partitioned log drops it on its partitions too.

create or replace function organizations_never_deleted() returns trigger
  language plpgsql
  set search_path = public, pg_temp
  as $$
begin
  raise exception 'organizations are never deleted: their records and audit logs must outlive them'
    using errcode = 'restrict_violation';
end
$$;
comment on function organizations_never_deleted() is
  'Refuses any DELETE or TRUNCATE of organizations: tenant rows and logs reference them without a foreign key.';

drop trigger if exists organizations_never_deleted on organizations;
create trigger organizations_never_deleted before delete on organizations
  for each row execute function organizations_never_deleted();
drop trigger if exists organizations_never_truncated on organizations;
create trigger organizations_never_truncated before truncate on organizations
  for each statement execute function organizations_never_deleted();

alter table audit_log drop constraint if exists audit_log_organization_id_fkey;
alter table phi_access_log drop constraint if exists phi_access_log_organization_id_fkey;

alter table user_roles drop constraint if exists user_roles_organization_id_fkey;
alter table refresh_tokens drop constraint if exists refresh_tokens_organization_id_fkey;
alter table idempotency_keys drop constraint if exists idempotency_keys_organization_id_fkey;
alter table organization_drug_terms drop constraint if exists organization_drug_terms_organization_id_fkey;
alter table encounters drop constraint if exists encounters_organization_id_fkey;
alter table vital_signs drop constraint if exists vital_signs_organization_id_fkey;
alter table vital_signs_entered_in_error drop constraint if exists vital_signs_entered_in_error_organization_id_fkey;
alter table problem_list drop constraint if exists problem_list_organization_id_fkey;
alter table clinical_notes drop constraint if exists clinical_notes_organization_id_fkey;
alter table lab_tests drop constraint if exists lab_tests_organization_id_fkey;
alter table lab_results drop constraint if exists lab_results_organization_id_fkey;
alter table lab_result_supersessions drop constraint if exists lab_result_supersessions_organization_id_fkey;
alter table imaging_orders drop constraint if exists imaging_orders_organization_id_fkey;
alter table anatomy_findings drop constraint if exists anatomy_findings_organization_id_fkey;
alter table prescriptions drop constraint if exists prescriptions_organization_id_fkey;
alter table drug_allergies drop constraint if exists drug_allergies_organization_id_fkey;
alter table appointments drop constraint if exists appointments_organization_id_fkey;
alter table opd_queue drop constraint if exists opd_queue_organization_id_fkey;
alter table invoices drop constraint if exists invoices_organization_id_fkey;
alter table invoice_line_items drop constraint if exists invoice_line_items_organization_id_fkey;
alter table invoice_adjustments drop constraint if exists invoice_adjustments_organization_id_fkey;
alter table payments drop constraint if exists payments_organization_id_fkey;
alter table workflow_instances drop constraint if exists workflow_instances_organization_id_fkey;
alter table workflow_transitions drop constraint if exists workflow_transitions_organization_id_fkey;
alter table workflow_tasks drop constraint if exists workflow_tasks_organization_id_fkey;
