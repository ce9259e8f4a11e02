--! Previous: sha1:42d9607e4f5e30ea1e555d966e4c4024c0d25638
--! Hash: sha1:72c7112d41d4018f59c55d676115fd743d723a29
--! Message: patient_page_unfiltered: the patient list's unfiltered page from generic plans, one static query per ordering, direction and cursor

-- The patient list's page without filters, from plans PostgreSQL keeps (issue 15).
--
-- Request transactions plan every statement afresh (plan_cache_mode =
-- force_custom_plan), because the lists' optional filters (`$n is null or …`)
-- need each call's values to pick an index. The patient page without a filter
-- is the most common read, and planning it cost more than running it
-- (pg_stat_statements under the bench's load: 0.67 ms of planning, 0.12 ms of
-- execution per call). This function holds one static query per ordering,
-- direction and cursor-or-not, each an index scan PostgreSQL plans once per
-- connection (force_generic_plan, as patient_bundles). The rows come back in
-- the page's order; callers number them WITH ORDINALITY. A filtered page still
-- goes through patients_matching with custom plans (src/patients/patient-repository.ts).
create function patient_page_unfiltered(
  p_organization_id uuid, p_ordering text, p_descending boolean, p_k1 text, p_k2 text, p_after uuid, p_limit int
) returns setof ehr_patients
  language plpgsql stable
  set plan_cache_mode = force_generic_plan
  as $$
begin
  if p_ordering = 'NAME' and not p_descending then
    if p_after is null then
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        order by p.last_name, p.first_name, p.id limit p_limit;
    else
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        and (p.last_name, p.first_name, p.id) > (p_k1, p_k2, p_after) order by p.last_name, p.first_name, p.id limit p_limit;
    end if;
  elsif p_ordering = 'NAME' and p_descending then
    if p_after is null then
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        order by p.last_name desc, p.first_name desc, p.id desc limit p_limit;
    else
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        and (p.last_name, p.first_name, p.id) < (p_k1, p_k2, p_after) order by p.last_name desc, p.first_name desc, p.id desc limit p_limit;
    end if;
  elsif p_ordering = 'DATE_OF_BIRTH' and not p_descending then
    if p_after is null then
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        order by p.date_of_birth, p.id limit p_limit;
    else
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        and (p.date_of_birth, p.id) > (p_k1::date, p_after) order by p.date_of_birth, p.id limit p_limit;
    end if;
  elsif p_ordering = 'DATE_OF_BIRTH' and p_descending then
    if p_after is null then
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        order by p.date_of_birth desc, p.id desc limit p_limit;
    else
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        and (p.date_of_birth, p.id) < (p_k1::date, p_after) order by p.date_of_birth desc, p.id desc limit p_limit;
    end if;
  elsif p_ordering = 'CREATED_AT' and not p_descending then
    if p_after is null then
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        order by p.created_at, p.id limit p_limit;
    else
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        and (p.created_at, p.id) > (p_k1::timestamptz, p_after) order by p.created_at, p.id limit p_limit;
    end if;
  elsif p_ordering = 'CREATED_AT' and p_descending then
    if p_after is null then
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        order by p.created_at desc, p.id desc limit p_limit;
    else
      return query select p.* from ehr_patients p where p.organization_id = p_organization_id and p.deleted_at is null
        and (p.created_at, p.id) < (p_k1::timestamptz, p_after) order by p.created_at desc, p.id desc limit p_limit;
    end if;
  else
    raise exception 'unknown patient ordering %', p_ordering using errcode = 'invalid_parameter_value';
  end if;
end
$$;
comment on function patient_page_unfiltered(uuid, text, boolean, text, text, uuid, int) is
  'One keyset page of an organization''s live patients without filters: p_limit rows after the cursor (p_after null: the first page), in the ordering''s order, from cached generic plans.';
grant execute on function patient_page_unfiltered(uuid, text, boolean, text, text, uuid, int) to health_app;
