--! Previous: sha1:42d9607e4f5e30ea1e555d966e4c4024c0d25638
--! Hash: sha1:708954bf9563c300e57a97d80659ae857c47ee82
--! Message: patient_page: one keyset page of patients as an inlined SQL function, called bare or joined with patient_bundles

-- One keyset page of a tenant's patients, as a function that PostgreSQL
-- inlines into the statement calling it (LANGUAGE sql, STABLE, one SELECT), so
-- a request's custom plan folds the ordering and direction parameters exactly
-- as the statement written out did. patientPage (src/patients/patient-repository.ts)
-- calls it alone when no chart relation is prefetched, and wrapped in the
-- patient_bundles join when some is: the bare page plans in about two thirds of
-- the time the joined statement took, and skips its materialized CTE and sort.
--
-- p_after null means the first page; p_k1/p_k2 are the cursor's sort values
-- (p_k2 only for NAME). Ties go by id. In each ORDER BY the terms of the other
-- orderings and direction fold to NULL and drop out.
create or replace function patient_page(
  p_organization_id uuid, p_statuses text[], p_name_prefix text, p_born_from date, p_born_to date, p_search tsquery,
  p_ordering text, p_descending boolean, p_k1 text, p_k2 text, p_after uuid, p_limit int
) returns table (
  id uuid, organization_id uuid, mrn text, first_name text, middle_name text, last_name text, preferred_name text,
  date_of_birth date, sex_at_birth text, gender_identity text, phone text, email text, address_line1 text,
  address_line2 text, city text, region text, postal_code text, country text, preferred_language text,
  marital_status text, blood_type text, emergency_contact_name text, emergency_contact_phone text,
  emergency_contact_relationship text, insurance_provider text, insurance_policy_number text, status text,
  deceased_at timestamptz, created_at timestamptz, updated_at timestamptz, version integer, sort_key text
)
  language sql stable
  as $$
    select p.id, p.organization_id, p.mrn, p.first_name, p.middle_name, p.last_name, p.preferred_name,
           p.date_of_birth, p.sex_at_birth, p.gender_identity, p.phone, p.email, p.address_line1, p.address_line2,
           p.city, p.region, p.postal_code, p.country, p.preferred_language, p.marital_status, p.blood_type,
           p.emergency_contact_name, p.emergency_contact_phone, p.emergency_contact_relationship,
           p.insurance_provider, p.insurance_policy_number, p.status, p.deceased_at, p.created_at, p.updated_at,
           p.version,
           case p_ordering when 'NAME' then p.last_name when 'DATE_OF_BIRTH' then p.date_of_birth::text
                else cursor_timestamp(p.created_at)::text end
    from patients_matching(p_organization_id, p_statuses, p_name_prefix, p_born_from, p_born_to, p_search) p
    where p_after is null or case p_ordering
      when 'NAME' then case when p_descending
        then (p.last_name, p.first_name, p.id) < (p_k1, p_k2, p_after)
        else (p.last_name, p.first_name, p.id) > (p_k1, p_k2, p_after) end
      when 'DATE_OF_BIRTH' then case when p_descending
        then (p.date_of_birth, p.id) < (p_k1::date, p_after)
        else (p.date_of_birth, p.id) > (p_k1::date, p_after) end
      else case when p_descending
        then (p.created_at, p.id) < (p_k1::timestamptz, p_after)
        else (p.created_at, p.id) > (p_k1::timestamptz, p_after) end
    end
    order by case when p_descending and p_ordering = 'NAME' then p.last_name end desc,
             case when p_descending and p_ordering = 'NAME' then p.first_name end desc,
             case when p_descending and p_ordering = 'DATE_OF_BIRTH' then p.date_of_birth end desc,
             case when p_descending and p_ordering = 'CREATED_AT' then p.created_at end desc,
             case when p_descending then p.id end desc,
             case when p_ordering = 'NAME' then p.last_name end, case when p_ordering = 'NAME' then p.first_name end,
             case when p_ordering = 'DATE_OF_BIRTH' then p.date_of_birth end,
             case when p_ordering = 'CREATED_AT' then p.created_at end, p.id
    limit p_limit
  $$;
comment on function patient_page(uuid, text[], text, date, date, tsquery, text, boolean, text, text, uuid, int) is
  'One keyset page of an organization''s live patients (limit rows after the cursor), inlined into the calling statement.';
grant execute on function patient_page(uuid, text[], text, date, date, tsquery, text, boolean, text, text, uuid, int) to health_app;
