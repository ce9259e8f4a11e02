--! Previous: sha1:6255e68222a83ca710c470e1c2dfdf2e72cb8f41
--! Hash: sha1:6a367b6a7bd58839ec5fdc2f7ee8f11d1f90eb1a
--! Message: Audit outcome: refused mutation attempts

-- Audit rows record how the audited attempt ended: SUCCESS for a change that
-- committed, or the refusal (FORBIDDEN, NOT_FOUND, CONFLICT) of a mutation that
-- was rolled back, written in a transaction of its own so probing stays visible.
alter table audit_log
  add column outcome text not null default 'SUCCESS'
    constraint audit_log_outcome_check check (outcome in ('SUCCESS', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'));
comment on column audit_log.outcome is 'SUCCESS for a committed change; FORBIDDEN, NOT_FOUND or CONFLICT for a refused mutation attempt (action mutation.refused).';

create index audit_log_org_refused_idx on audit_log (organization_id, occurred_at) where outcome <> 'SUCCESS';
