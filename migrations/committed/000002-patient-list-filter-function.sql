--! Previous: sha1:418af535acd6407fa89e451d3ca7655264bdf429
--! Hash: sha1:4ae4a24fc44e27359f290a251dc5c96d18cd4009
--! Message: Patient list filter function

-- Patient search as an inlinable set-returning function: every ordering of the
-- patients list filters through it, so the filter is written once and the
-- planner still sees a plain query (index-ordered keyset scans, GIN search).
create function patients_matching(
  p_organization_id uuid,
  p_statuses text[],
  p_name_prefix text,
  p_born_from date,
  p_born_to date,
  p_search tsquery
) returns setof ehr_patients
  language sql stable
  as $$
    select p.*
    from ehr_patients p
    where p.organization_id = p_organization_id
      and p.deleted_at is null
      and (p_statuses is null or p.status = any (p_statuses))
      and (p_name_prefix is null
           or lower(p.last_name) like p_name_prefix || '%'
           or lower(p.first_name) like p_name_prefix || '%')
      and (p_born_from is null or p.date_of_birth >= p_born_from)
      and (p_born_to is null or p.date_of_birth <= p_born_to)
      and (p_search is null or p.search_vector @@ p_search)
  $$;
comment on function patients_matching(uuid, text[], text, date, date, tsquery) is
  'Live patients of an organization matching the list filters; inlined into each keyset query.';
grant execute on function patients_matching(uuid, text[], text, date, date, tsquery) to health_app;
