--! Previous: sha1:4ae4a24fc44e27359f290a251dc5c96d18cd4009
--! Hash: sha1:6255e68222a83ca710c470e1c2dfdf2e72cb8f41
--! Message: Partial indexes for live patient lists

-- Live-patient list orderings and counts: partial indexes matching the
-- `deleted_at is null` filter, so counts and keyset pages become index-only or
-- index-ordered scans over live rows only.
create index ehr_patients_live_name_idx on ehr_patients (organization_id, last_name, first_name, id) where deleted_at is null;
create index ehr_patients_live_dob_idx on ehr_patients (organization_id, date_of_birth, id) where deleted_at is null;
create index ehr_patients_live_created_idx on ehr_patients (organization_id, created_at, id) where deleted_at is null;
