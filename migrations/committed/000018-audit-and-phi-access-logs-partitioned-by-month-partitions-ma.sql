--! Previous: sha1:1b707c08f2e81661ecbc03afadd8c8b257ca96ef
--! Hash: sha1:bbc93fec1faae5ff6d09b8971189b82e1b19fbc7
--! Message: Audit and PHI access logs partitioned by month, partitions made ahead, retention detaches old months

-- Logs that hold seven years (issue 22): audit_log and phi_access_log become
-- range-partitioned by month (UTC) on their time column, so a compliance query
-- for a period reads only that period's partitions, indexes stay the size of a
-- month, and retention detaches whole months instead of deleting rows (which
-- the append-only triggers forbid anyway).
--
-- Partitions are made ahead of time: this migration makes the months of the
-- existing rows, the current month and three ahead; the job
-- `log_partitions_ahead` (src/jobs.ts) calls ensure_log_partitions() on every
-- run. A DEFAULT partition catches a row no monthly partition covers (a job
-- stopped for months, a back-dated row) so an audit write never fails for want
-- of a partition; the next partition created for that month takes its rows.
--
-- Every partition carries the parent's guarantees: row triggers are cloned by
-- PostgreSQL; what is per table (row-level security and its policies, grants,
-- the statement-level TRUNCATE trigger) is copied by log_partition_secure()
-- whenever a partition is made, here or by the job.

-------------------------------------------------------------------------------
-- Partition helpers (owner only, except ensure_log_partitions)
-------------------------------------------------------------------------------

-- The partitioned logs and their partition key.
create function log_partition_key(p_log regclass) returns text
  language sql stable
  set search_path = public, pg_temp
  as $$
    select case p_log::text when 'audit_log' then 'occurred_at' when 'phi_access_log' then 'accessed_at' end
  $$;
comment on function log_partition_key(regclass) is 'The partition key (time column) of a monthly-partitioned log table; null for any other table.';

-- The guarantees of the parent on one of its partitions: forced row-level
-- security with the parent's policies, the parent's grants (never more), and the
-- TRUNCATE refusal (statement-level triggers are not cloned to partitions).
create function log_partition_secure(p_log regclass, p_partition regclass) returns void
  language plpgsql
  set search_path = public, pg_temp
  as $$
declare
  p record;
  g record;
begin
  execute format('alter table %s enable row level security, force row level security', p_partition);
  for p in
    select pol.polname, pol.polpermissive, pol.polcmd, pol.polroles,
           pg_get_expr(pol.polqual, pol.polrelid) as qual, pg_get_expr(pol.polwithcheck, pol.polrelid) as with_check
    from pg_policy pol
    where pol.polrelid = p_log
      and not exists (select 1 from pg_policy q where q.polrelid = p_partition and q.polname = pol.polname)
  loop
    execute format('create policy %I on %s as %s for %s to %s%s%s', p.polname, p_partition,
      case when p.polpermissive then 'permissive' else 'restrictive' end,
      case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
      case when p.polroles = '{0}'::oid[] then 'public'
           else (select string_agg(quote_ident(r.rolname), ', ') from pg_roles r where r.oid = any (p.polroles)) end,
      case when p.qual is null then '' else format(' using (%s)', p.qual) end,
      case when p.with_check is null then '' else format(' with check (%s)', p.with_check) end);
  end loop;
  for g in
    select a.privilege_type, r.rolname
    from pg_class c cross join lateral aclexplode(c.relacl) a join pg_roles r on r.oid = a.grantee
    where c.oid = p_log and a.grantee <> c.relowner
  loop
    execute format('grant %s on %s to %I', g.privilege_type, p_partition, g.rolname);
  end loop;
  execute format('create or replace trigger %I before truncate on %s for each statement execute function audit_log_immutable()',
    p_log::text || '_no_truncate', p_partition);
end
$$;
comment on function log_partition_secure(regclass, regclass) is
  'Gives a partition of a log table the parent''s row-level security, policies, grants and TRUNCATE refusal.';

-- The partition of one UTC month, made unless it exists. Made as a table of its
-- own, then attached: ATTACH takes a SHARE UPDATE EXCLUSIVE lock on the parent,
-- so inserts go on meanwhile. Rows of that month already in the DEFAULT
-- partition move into it first (attaching would fail on them otherwise); they
-- are kept, not changed, so the one delete of the log happens with its copy
-- in the same transaction.
create function log_partition_create(p_log regclass, p_month date) returns boolean
  language plpgsql
  set search_path = public, pg_temp
  as $$
declare
  key text := log_partition_key(p_log);
  month date := date_trunc('month', p_month)::date;
  lo timestamptz := month::timestamp at time zone 'UTC';
  hi timestamptz := (month + interval '1 month')::timestamp at time zone 'UTC';
  name text := format('%s_y%sm%s', p_log::text, to_char(month, 'YYYY'), to_char(month, 'MM'));
  fallback regclass := to_regclass(p_log::text || '_default');
  moved bigint := 0;
begin
  if key is null then
    raise exception '% is not a partitioned log', p_log;
  end if;
  if to_regclass(name) is not null then
    return false;
  end if;
  execute format('create table %I (like %s including defaults including constraints including storage including comments)', name, p_log);
  if fallback is not null then
    -- The owner is bound by forced row-level security too: lifted for this move only.
    execute format('alter table %s no force row level security', fallback);
    execute format('insert into %I select * from %s where %I >= %L and %I < %L', name, fallback, key, lo, key, hi);
    get diagnostics moved = row_count;
    if moved > 0 then
      execute format('alter table %s disable trigger %I', fallback, p_log::text || '_immutable');
      execute format('delete from %s where %I >= %L and %I < %L', fallback, key, lo, key, hi);
      execute format('alter table %s enable trigger %I', fallback, p_log::text || '_immutable');
      raise notice 'moved % rows of % from % into %', moved, month, fallback, name;
    end if;
    execute format('alter table %s force row level security', fallback);
  end if;
  execute format('alter table %s attach partition %I for values from (%L) to (%L)', p_log, name, lo, hi);
  perform log_partition_secure(p_log, name::regclass);
  execute format('comment on table %I is %L', name,
    format('Partition of %s for %s (UTC); append-only like its parent.', p_log, to_char(month, 'YYYY-MM')));
  return true;
end
$$;
comment on function log_partition_create(regclass, date) is
  'Makes the monthly (UTC) partition of a log table holding p_month unless it exists; true when made.';

-- The job's entry point: the current month and p_months_ahead after it, for
-- both logs. Idempotent; cheap when nothing is missing (a catalog lookup per
-- month). SECURITY DEFINER so the runtime role may run it without owning the
-- tables; it can only add the partitions of the coming months.
create function ensure_log_partitions(p_months_ahead integer default 3) returns integer
  language plpgsql
  security definer
  set search_path = public, pg_temp
  as $$
declare
  made integer := 0;
  log regclass;
  month date;
begin
  if p_months_ahead not between 0 and 24 then
    raise exception 'months ahead must be between 0 and 24, got %', p_months_ahead;
  end if;
  foreach log in array array['audit_log'::regclass, 'phi_access_log'::regclass] loop
    for month in
      select generate_series(date_trunc('month', now() at time zone 'UTC'),
                             date_trunc('month', now() at time zone 'UTC') + make_interval(months => p_months_ahead),
                             interval '1 month')::date
    loop
      if to_regclass(format('%s_y%sm%s', log::text, to_char(month, 'YYYY'), to_char(month, 'MM'))) is null then
        made := made + log_partition_create(log, month)::integer;
      end if;
    end loop;
  end loop;
  return made;
end
$$;
comment on function ensure_log_partitions(integer) is
  'Makes the missing monthly partitions of audit_log and phi_access_log from the current month to p_months_ahead after it; returns how many.';

-- Retention: the partitions wholly older than the cutoff (their upper bound at or
-- before it), detached from their log and moved to schema log_archive, where
-- only the owner reads them; the DEFAULT partition is never detached. Detached
-- tables lose the cloned triggers, so the append-only trigger is put back.
create schema if not exists log_archive;
comment on schema log_archive is 'Partitions of audit_log and phi_access_log detached by retention (npm run logs:retention): export, then drop.';
revoke all on schema log_archive from public;

create function detach_log_partitions(p_cutoff timestamptz, p_dry_run boolean default true)
  returns table (log text, partition_name text, range_from timestamptz, range_to timestamptz, detached boolean)
  language plpgsql
  set search_path = public, pg_temp
  as $$
declare
  r record;
begin
  -- A log younger than a year is never retention's to take, whatever the caller asks.
  if p_cutoff > now() - interval '1 year' then
    raise exception 'retention cutoff % is less than a year ago', p_cutoff;
  end if;
  for r in
    select parent.relname::text as log, child.relname::text as part,
           (regexp_match(pg_get_expr(child.relpartbound, child.oid), 'FROM \(''([^'']*)''\) TO \(''([^'']*)''\)')) as bounds
    from pg_inherits i
    join pg_class parent on parent.oid = i.inhparent
    join pg_class child on child.oid = i.inhrelid
    where parent.oid in ('audit_log'::regclass, 'phi_access_log'::regclass)
    order by 1, 2
  loop
    continue when r.bounds is null; -- the DEFAULT partition
    continue when r.bounds[2]::timestamptz > p_cutoff;
    log := r.log;
    partition_name := r.part;
    range_from := r.bounds[1]::timestamptz;
    range_to := r.bounds[2]::timestamptz;
    detached := not p_dry_run;
    if not p_dry_run then
      execute format('alter table %I detach partition %I', r.log, r.part);
      execute format('create trigger %I before update or delete on %I for each row execute function audit_log_immutable()',
        r.log || '_immutable', r.part);
      execute format('revoke all on %I from health_app, health_auth', r.part);
      execute format('alter table %I set schema log_archive', r.part);
    end if;
    return next;
  end loop;
end
$$;
comment on function detach_log_partitions(timestamptz, boolean) is
  'Retention: detaches the monthly log partitions ending at or before p_cutoff into schema log_archive (p_dry_run: lists them only). Owner only.';

revoke all on function log_partition_key(regclass) from public;
revoke all on function log_partition_secure(regclass, regclass) from public;
revoke all on function log_partition_create(regclass, date) from public;
revoke all on function ensure_log_partitions(integer) from public;
revoke all on function detach_log_partitions(timestamptz, boolean) from public;
grant execute on function ensure_log_partitions(integer) to health_app;

-------------------------------------------------------------------------------
-- audit_log → partitioned
-------------------------------------------------------------------------------

-- The owner copies every row: forced row-level security would show it none.
alter table audit_log no force row level security;
alter table audit_log rename to audit_log_unpartitioned;

create table audit_log (like audit_log_unpartitioned including defaults including constraints including comments)
  partition by range (occurred_at);
comment on table audit_log is
  'Append-only audit trail of every change and authentication event (before/after in changes). Partitioned by month of occurred_at (UTC).';
create table audit_log_default partition of audit_log default;
comment on table audit_log_default is 'Rows of audit_log no monthly partition covers; moved out when their month''s partition is made.';

-- The months of the existing rows (at most ten years back: older ones stay in
-- the default partition), then the current month and three ahead.
select log_partition_create('audit_log', m::date)
from generate_series(
  greatest(date_trunc('month', coalesce((select min(occurred_at) from audit_log_unpartitioned), now()) at time zone 'UTC'),
           date_trunc('month', now() at time zone 'UTC') - interval '10 years'),
  date_trunc('month', now() at time zone 'UTC') - interval '1 month', interval '1 month') m;

insert into audit_log select * from audit_log_unpartitioned;
drop table audit_log_unpartitioned;

-- The primary key holds the partition key, as PostgreSQL requires; ids stay unique per organization.
alter table audit_log add primary key (organization_id, id, occurred_at);
alter table audit_log add foreign key (organization_id) references organizations (id);
create index audit_log_org_occurred_id_idx on audit_log (organization_id, occurred_at, id);
create index audit_log_org_actor_occurred_idx on audit_log (organization_id, actor_user_id, occurred_at, id);
create index audit_log_org_entity_occurred_idx on audit_log (organization_id, entity_id, occurred_at, id)
  where entity_id is not null;
create index audit_log_org_action_occurred_idx on audit_log (organization_id, action, occurred_at, id);
create index audit_log_org_patient_occurred_idx on audit_log (organization_id, subject_patient_id, occurred_at, id)
  where subject_patient_id is not null;
create index audit_log_org_refused_idx on audit_log (organization_id, occurred_at) where outcome <> 'SUCCESS';

create trigger audit_log_immutable before update or delete on audit_log
  for each row execute function audit_log_immutable();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_immutable();
create trigger audit_log_patient before insert on audit_log
  for each row execute function audit_log_patient();

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy tenant_isolation on audit_log
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy auth_insert on audit_log for insert to health_auth with check (true);

grant select, insert on audit_log to health_app;
grant insert on audit_log to health_auth;

-------------------------------------------------------------------------------
-- phi_access_log → partitioned
-------------------------------------------------------------------------------

alter table phi_access_log no force row level security;
alter table phi_access_log rename to phi_access_log_unpartitioned;

create table phi_access_log (like phi_access_log_unpartitioned including defaults including constraints including comments)
  partition by range (accessed_at);
comment on table phi_access_log is
  'Append-only record of which patients each request read (one row per request). Partitioned by month of accessed_at (UTC).';
create table phi_access_log_default partition of phi_access_log default;
comment on table phi_access_log_default is 'Rows of phi_access_log no monthly partition covers; moved out when their month''s partition is made.';

select log_partition_create('phi_access_log', m::date)
from generate_series(
  greatest(date_trunc('month', coalesce((select min(accessed_at) from phi_access_log_unpartitioned), now()) at time zone 'UTC'),
           date_trunc('month', now() at time zone 'UTC') - interval '10 years'),
  date_trunc('month', now() at time zone 'UTC') - interval '1 month', interval '1 month') m;

insert into phi_access_log select * from phi_access_log_unpartitioned;
drop table phi_access_log_unpartitioned;

alter table phi_access_log add primary key (organization_id, id, accessed_at);
alter table phi_access_log add foreign key (organization_id) references organizations (id);
create index phi_access_log_org_accessed_idx on phi_access_log (organization_id, accessed_at);
create index phi_access_log_org_user_idx on phi_access_log (organization_id, user_id, accessed_at);
create index phi_access_log_patient_ids_idx on phi_access_log using gin (patient_ids);

create trigger phi_access_log_immutable before update or delete on phi_access_log
  for each row execute function audit_log_immutable();
create trigger phi_access_log_no_truncate before truncate on phi_access_log
  for each statement execute function audit_log_immutable();

alter table phi_access_log enable row level security;
alter table phi_access_log force row level security;
create policy tenant_isolation on phi_access_log
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert on phi_access_log to health_app;

-------------------------------------------------------------------------------
-- Every partition made so far gets the parent's guarantees (the ones made above
-- were secured before the parent had its policies and grants), then the months
-- ahead are made like the job makes them.
-------------------------------------------------------------------------------

select log_partition_secure(i.inhparent::regclass, i.inhrelid::regclass)
from pg_inherits i
where i.inhparent in ('audit_log'::regclass, 'phi_access_log'::regclass);

select ensure_log_partitions(3);
