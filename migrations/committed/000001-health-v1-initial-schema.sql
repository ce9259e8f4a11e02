--! Previous: -
--! Hash: sha1:418af535acd6407fa89e451d3ca7655264bdf429
--! Message: Health V1 initial schema

-- Health V1 initial schema
--
-- Multi-tenant health records. Conventions (every tenant-owned table):
--   * primary key (organization_id, id); id defaults to gen_random_uuid()
--   * foreign keys between tenant tables are composite and include
--     organization_id, so a row can never reference another organization's row;
--     where a row names both a patient and an encounter/order, the foreign key
--     also includes patient_id, so the encounter/order must belong to that patient
--   * every composite foreign key has an index leading with (organization_id, <fk column>)
--   * created_at / updated_at (BEFORE UPDATE trigger set_updated_at), version for
--     optimistic concurrency (the application increments it), deleted_at (soft
--     delete) on clinical and financial records
--   * row-level security enabled and forced; policy tenant_isolation compares
--     organization_id with app_current_org() (the transaction-local setting
--     app.organization_id)
--   * enumerated columns are CHECK-constrained to UPPER_SNAKE_CASE values
--   * money is numeric(12,2) and never negative
-- Runs inside one transaction (graphile-migrate); applies to a fresh database.
-- Only cluster-global objects (roles, extension) are created conditionally.

-------------------------------------------------------------------------------
-- Roles (cluster-global: many databases on one cluster run this migration)
-------------------------------------------------------------------------------

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'health_app') then
    create role health_app nologin;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'health_auth') then
    create role health_auth nologin;
  end if;
  -- Row-level security is the tenant boundary: refuse to proceed if either role
  -- would bypass it.
  if exists (
    select 1 from pg_roles
    where rolname in ('health_app', 'health_auth') and (rolsuper or rolbypassrls)
  ) then
    raise exception 'roles health_app and health_auth must be NOSUPERUSER NOBYPASSRLS';
  end if;
end
$$;

create extension if not exists btree_gist;

-------------------------------------------------------------------------------
-- Helper functions
-------------------------------------------------------------------------------

create function app_current_org() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.organization_id', true), '')::uuid $$;
comment on function app_current_org() is 'Organization of the current transaction (setting app.organization_id), or null.';

create function app_current_user() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;
comment on function app_current_user() is 'Acting user of the current transaction (setting app.user_id), or null.';

create function set_updated_at() returns trigger
  language plpgsql
  as $$
begin
  new.updated_at = now();
  return new;
end
$$;
comment on function set_updated_at() is 'BEFORE UPDATE trigger: stamps updated_at.';

create function audit_log_immutable() returns trigger
  language plpgsql
  as $$
begin
  raise exception '% is append-only', tg_table_name
    using errcode = 'P0001',
          hint = 'Rows in this table can only be inserted.';
end
$$;
comment on function audit_log_immutable() is 'Trigger that rejects UPDATE, DELETE and TRUNCATE on append-only log tables.';

-------------------------------------------------------------------------------
-- Reference data (global, not tenant-owned)
-------------------------------------------------------------------------------

create table roles (
  code        text primary key check (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
  name        text not null check (char_length(name) between 1 and 100),
  description text check (char_length(description) <= 1000),
  created_at  timestamptz not null default now()
);
comment on table roles is 'Global RBAC role definitions (reference data).';

insert into roles (code, name, description) values
  ('ORG_ADMIN',  'Organization administrator', 'Manages users, roles, departments, catalog and workflow configuration of the organization.'),
  ('PHYSICIAN',  'Physician',                  'Provides care: encounters, notes, orders, prescriptions and results.'),
  ('NURSE',      'Nurse',                      'Records vital signs, nursing notes and manages the outpatient queue.'),
  ('FRONT_DESK', 'Front desk',                 'Registers patients, books appointments and manages check-in.'),
  ('BILLING',    'Billing',                    'Manages invoices, payments and refunds.'),
  ('ANALYST',    'Analyst',                    'Read-only access to operational and clinical reporting.');

create table body_systems (
  id          uuid primary key default gen_random_uuid(),
  code        text not null unique check (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
  name        text not null check (char_length(name) between 1 and 100),
  description text check (char_length(description) <= 1000),
  sort_order  integer not null default 0,
  created_at  timestamptz not null default now()
);
comment on table body_systems is 'Anatomical body systems (reference data) used to classify findings and imaging.';

insert into body_systems (code, name, description, sort_order) values
  ('CARDIOVASCULAR',        'Cardiovascular',                  'Heart and blood vessels.', 1),
  ('RESPIRATORY',           'Respiratory',                     'Airways, lungs and respiratory muscles.', 2),
  ('GASTROINTESTINAL',      'Gastrointestinal',                'Digestive tract, liver, gallbladder and pancreas.', 3),
  ('NEUROLOGICAL',          'Neurological',                    'Brain, spinal cord and peripheral nerves.', 4),
  ('MUSCULOSKELETAL',       'Musculoskeletal',                 'Bones, joints, muscles, tendons and ligaments.', 5),
  ('INTEGUMENTARY',         'Integumentary',                   'Skin, hair and nails.', 6),
  ('ENDOCRINE',             'Endocrine',                       'Hormone-producing glands.', 7),
  ('GENITOURINARY',         'Genitourinary',                   'Kidneys, ureters, bladder and urethra.', 8),
  ('REPRODUCTIVE',          'Reproductive',                    'Reproductive organs.', 9),
  ('HEMATOLOGIC_LYMPHATIC', 'Hematologic and lymphatic',       'Blood, bone marrow, lymph nodes and spleen.', 10),
  ('IMMUNE',                'Immune',                          'Immune system and allergic responses.', 11),
  ('HEENT',                 'Head, eyes, ears, nose and throat', 'Head, eyes, ears, nose, mouth and throat.', 12);

-------------------------------------------------------------------------------
-- Organizations (the tenants)
-------------------------------------------------------------------------------

create table organizations (
  id         uuid primary key default gen_random_uuid(),
  name       text not null check (char_length(name) between 1 and 200),
  slug       text not null unique check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  timezone   text not null default 'UTC' check (char_length(timezone) between 1 and 64),
  active     boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1 check (version >= 1)
);
comment on table organizations is 'Tenants: each organization owns its users, patients, clinical, billing and workflow data.';

create trigger set_updated_at before update on organizations
  for each row execute function set_updated_at();

alter table organizations enable row level security;
alter table organizations force row level security;
create policy tenant_isolation on organizations
  using (id = app_current_org()) with check (id = app_current_org());
create policy auth_lookup on organizations for select to health_auth using (true);

grant select on organizations to health_app;
grant update (name, timezone, updated_at, version) on organizations to health_app;
grant select on organizations to health_auth;

-------------------------------------------------------------------------------
-- Identity
-------------------------------------------------------------------------------

create table users (
  id                 uuid not null default gen_random_uuid(),
  organization_id    uuid not null references organizations (id),
  email              text not null
                     constraint users_email_unique unique
                     check (email = lower(email) and char_length(email) between 3 and 254 and position('@' in email) > 1),
  password_hash      text not null check (char_length(password_hash) between 1 and 1000),
  display_name       text not null check (char_length(display_name) between 1 and 200),
  given_name         text check (char_length(given_name) between 1 and 100),
  family_name        text check (char_length(family_name) between 1 and 100),
  title              text check (char_length(title) between 1 and 50),
  phone              text check (char_length(phone) between 1 and 40),
  specialty          text check (char_length(specialty) between 1 and 200),
  license_number     text check (char_length(license_number) between 1 and 100),
  active             boolean not null default true,
  last_login_at      timestamptz,
  failed_login_count integer not null default 0 check (failed_login_count >= 0),
  locked_until       timestamptz,
  password_changed_at timestamptz,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  version            integer not null default 1 check (version >= 1),
  primary key (organization_id, id)
);
comment on table users is 'User accounts (staff) of an organization; login is by globally unique lower-case email.';

create index users_org_family_name_idx on users (organization_id, family_name, given_name, id);

create trigger set_updated_at before update on users
  for each row execute function set_updated_at();

alter table users enable row level security;
alter table users force row level security;
create policy tenant_isolation on users
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
-- Login looks the user up by email before the organization is known.
create policy auth_lookup on users for select to health_auth using (true);
create policy auth_update on users for update to health_auth using (true) with check (true);

grant select, insert, update on users to health_app;
grant select on users to health_auth;
grant update (failed_login_count, locked_until, last_login_at, updated_at) on users to health_auth;

create table user_roles (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  user_id         uuid not null,
  role_code       text not null references roles (code),
  granted_by      uuid,
  created_at      timestamptz not null default now(),
  primary key (organization_id, id),
  constraint user_roles_user_role_unique unique (organization_id, user_id, role_code),
  foreign key (organization_id, user_id) references users (organization_id, id) on delete cascade,
  foreign key (organization_id, granted_by) references users (organization_id, id)
);
comment on table user_roles is 'Role assignments of users within their organization (hard delete revokes).';

create index user_roles_org_granted_by_idx on user_roles (organization_id, granted_by);
create index user_roles_org_role_idx on user_roles (organization_id, role_code);

alter table user_roles enable row level security;
alter table user_roles force row level security;
create policy tenant_isolation on user_roles
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy auth_lookup on user_roles for select to health_auth using (true);

grant select, insert, update, delete on user_roles to health_app;
grant select on user_roles to health_auth;
grant select on roles to health_app, health_auth;

create table refresh_tokens (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  user_id         uuid not null,
  family_id       uuid not null,
  token_hash      text not null constraint refresh_tokens_token_hash_unique unique
                  check (char_length(token_hash) between 16 and 512),
  issued_at       timestamptz not null default now(),
  expires_at      timestamptz not null,
  used_at         timestamptz,
  revoked_at      timestamptz,
  replaced_by     uuid,
  user_agent      text check (char_length(user_agent) <= 1000),
  ip              text check (char_length(ip) <= 100),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (organization_id, id),
  check (expires_at > issued_at),
  foreign key (organization_id, user_id) references users (organization_id, id) on delete cascade,
  foreign key (organization_id, replaced_by) references refresh_tokens (organization_id, id) on delete set null (replaced_by)
);
comment on table refresh_tokens is 'Rotating refresh tokens (hashed); a family shares one login and is revoked together on reuse.';

create index refresh_tokens_org_user_idx on refresh_tokens (organization_id, user_id);
create index refresh_tokens_org_family_idx on refresh_tokens (organization_id, family_id);
create index refresh_tokens_org_replaced_by_idx on refresh_tokens (organization_id, replaced_by);
create index refresh_tokens_expires_at_idx on refresh_tokens (expires_at);

create trigger set_updated_at before update on refresh_tokens
  for each row execute function set_updated_at();

alter table refresh_tokens enable row level security;
alter table refresh_tokens force row level security;
create policy tenant_isolation on refresh_tokens
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy auth_access on refresh_tokens to health_auth using (true) with check (true);

grant select, insert, update, delete on refresh_tokens to health_app;
grant select, insert, update on refresh_tokens to health_auth;

-------------------------------------------------------------------------------
-- Departments
-------------------------------------------------------------------------------

create table departments (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  name            text not null check (char_length(name) between 1 and 200),
  code            text not null check (char_length(code) between 1 and 50),
  description     text check (char_length(description) <= 2000),
  department_type text not null check (department_type in (
                    'OUTPATIENT', 'INPATIENT', 'EMERGENCY', 'LABORATORY', 'RADIOLOGY',
                    'PHARMACY', 'BILLING', 'ADMINISTRATION')),
  location        text check (char_length(location) <= 200),
  phone           text check (char_length(phone) between 1 and 40),
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint departments_code_unique unique (organization_id, code)
);
comment on table departments is 'Departments of an organization (clinics, wards, lab, radiology, pharmacy, billing).';

create index departments_org_name_idx on departments (organization_id, name, id);

create trigger set_updated_at before update on departments
  for each row execute function set_updated_at();

alter table departments enable row level security;
alter table departments force row level security;
create policy tenant_isolation on departments
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on departments to health_app;

-------------------------------------------------------------------------------
-- Patients
-------------------------------------------------------------------------------

create table ehr_patients (
  id                             uuid not null default gen_random_uuid(),
  organization_id                uuid not null references organizations (id),
  mrn                            text not null check (mrn ~ '^[A-Z0-9-]{4,20}$'),
  first_name                     text not null check (char_length(first_name) between 1 and 100),
  middle_name                    text check (char_length(middle_name) between 1 and 100),
  last_name                      text not null check (char_length(last_name) between 1 and 100),
  preferred_name                 text check (char_length(preferred_name) between 1 and 100),
  date_of_birth                  date not null check (date_of_birth >= date '1880-01-01'),
  sex_at_birth                   text check (sex_at_birth in ('MALE', 'FEMALE', 'INTERSEX', 'UNKNOWN')),
  gender_identity                text check (char_length(gender_identity) between 1 and 100),
  phone                          text check (char_length(phone) between 1 and 40),
  email                          text check (char_length(email) between 3 and 254 and position('@' in email) > 1),
  address_line1                  text check (char_length(address_line1) between 1 and 200),
  address_line2                  text check (char_length(address_line2) between 1 and 200),
  city                           text check (char_length(city) between 1 and 100),
  region                         text check (char_length(region) between 1 and 100),
  postal_code                    text check (char_length(postal_code) between 1 and 20),
  country                        text check (country ~ '^[A-Z]{2}$'),
  preferred_language             text check (char_length(preferred_language) between 2 and 35),
  marital_status                 text check (marital_status in (
                                   'SINGLE', 'MARRIED', 'DOMESTIC_PARTNER', 'SEPARATED',
                                   'DIVORCED', 'WIDOWED', 'UNKNOWN')),
  blood_type                     text check (blood_type in (
                                   'A_POSITIVE', 'A_NEGATIVE', 'B_POSITIVE', 'B_NEGATIVE',
                                   'AB_POSITIVE', 'AB_NEGATIVE', 'O_POSITIVE', 'O_NEGATIVE', 'UNKNOWN')),
  emergency_contact_name         text check (char_length(emergency_contact_name) between 1 and 200),
  emergency_contact_phone        text check (char_length(emergency_contact_phone) between 1 and 40),
  emergency_contact_relationship text check (char_length(emergency_contact_relationship) between 1 and 100),
  insurance_provider             text check (char_length(insurance_provider) between 1 and 200),
  insurance_policy_number        text check (char_length(insurance_policy_number) between 1 and 100),
  status                         text not null default 'ACTIVE' check (status in ('ACTIVE', 'INACTIVE', 'DECEASED')),
  deceased_at                    timestamptz,
  created_at                     timestamptz not null default now(),
  updated_at                     timestamptz not null default now(),
  version                        integer not null default 1 check (version >= 1),
  deleted_at                     timestamptz,
  search_vector                  tsvector generated always as (
                                   to_tsvector('simple'::regconfig,
                                     coalesce(first_name, '') || ' ' ||
                                     coalesce(middle_name, '') || ' ' ||
                                     coalesce(last_name, '') || ' ' ||
                                     coalesce(preferred_name, '') || ' ' ||
                                     mrn || ' ' ||
                                     coalesce(phone, '') || ' ' ||
                                     coalesce(email, ''))
                                 ) stored,
  primary key (organization_id, id),
  constraint ehr_patients_mrn_unique unique (organization_id, mrn),
  check (deceased_at is null or status = 'DECEASED')
);
comment on table ehr_patients is 'Patient demographics, MRN, contact, emergency contact and insurance details.';

create index ehr_patients_org_name_idx on ehr_patients (organization_id, last_name, first_name, id);
create index ehr_patients_org_dob_idx on ehr_patients (organization_id, date_of_birth, id);
create index ehr_patients_org_created_idx on ehr_patients (organization_id, created_at, id);
create index ehr_patients_org_status_idx on ehr_patients (organization_id, status);
create index ehr_patients_search_idx on ehr_patients using gin (search_vector);

create trigger set_updated_at before update on ehr_patients
  for each row execute function set_updated_at();

alter table ehr_patients enable row level security;
alter table ehr_patients force row level security;
create policy tenant_isolation on ehr_patients
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on ehr_patients to health_app;

-------------------------------------------------------------------------------
-- Encounters
-------------------------------------------------------------------------------

create table encounters (
  id                    uuid not null default gen_random_uuid(),
  organization_id       uuid not null references organizations (id),
  patient_id            uuid not null,
  provider_id           uuid not null,
  department_id         uuid,
  encounter_type        text not null check (encounter_type in (
                          'OUTPATIENT', 'INPATIENT', 'EMERGENCY', 'TELEHEALTH', 'HOME_VISIT', 'FOLLOW_UP')),
  status                text not null default 'PLANNED'
                          check (status in ('PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
  encounter_at          timestamptz not null default now(),
  reason                text check (char_length(reason) <= 2000),
  chief_complaint       text check (char_length(chief_complaint) <= 2000),
  notes                 text check (char_length(notes) <= 20000),
  scheduled_at          timestamptz,
  started_at            timestamptz,
  ended_at              timestamptz,
  discharge_disposition text check (char_length(discharge_disposition) between 1 and 200),
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1 check (version >= 1),
  deleted_at            timestamptz,
  primary key (organization_id, id),
  -- target of (organization_id, patient_id, encounter_id) foreign keys
  constraint encounters_patient_id_unique unique (organization_id, patient_id, id),
  check (ended_at is null or started_at is null or ended_at >= started_at),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, provider_id) references users (organization_id, id),
  foreign key (organization_id, department_id) references departments (organization_id, id)
);
comment on table encounters is 'Clinical encounters (visits): patient, provider, department, type, status and timing.';

create index encounters_org_patient_at_idx on encounters (organization_id, patient_id, encounter_at, id);
create index encounters_org_at_idx on encounters (organization_id, encounter_at, id);
create index encounters_org_provider_at_idx on encounters (organization_id, provider_id, encounter_at);
create index encounters_org_department_idx on encounters (organization_id, department_id);
create index encounters_org_status_idx on encounters (organization_id, status);

create trigger set_updated_at before update on encounters
  for each row execute function set_updated_at();

alter table encounters enable row level security;
alter table encounters force row level security;
create policy tenant_isolation on encounters
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on encounters to health_app;

-------------------------------------------------------------------------------
-- Vital signs
-------------------------------------------------------------------------------

create table vital_signs (
  id               uuid not null default gen_random_uuid(),
  organization_id  uuid not null references organizations (id),
  patient_id       uuid not null,
  encounter_id     uuid,
  recorded_by      uuid,
  recorded_at      timestamptz not null default now(),
  systolic_bp      integer check (systolic_bp between 40 and 300),
  diastolic_bp     integer check (diastolic_bp between 20 and 200),
  heart_rate       integer check (heart_rate between 20 and 300),
  respiratory_rate integer check (respiratory_rate between 4 and 80),
  temperature_c    numeric(4,1) check (temperature_c between 25.0 and 45.0),
  spo2             integer check (spo2 between 50 and 100),
  weight_kg        numeric(5,2) check (weight_kg between 0.2 and 500),
  height_cm        numeric(5,1) check (height_cm between 20 and 280),
  pain_score       integer check (pain_score between 0 and 10),
  notes            text check (char_length(notes) <= 5000),
  is_abnormal      boolean not null default false,
  abnormal_flags   text[] not null default '{}',
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  version          integer not null default 1 check (version >= 1),
  deleted_at       timestamptz,
  primary key (organization_id, id),
  constraint vital_signs_diastolic_below_systolic
    check (systolic_bp is null or diastolic_bp is null or diastolic_bp < systolic_bp),
  constraint vital_signs_at_least_one_measurement
    check (num_nonnulls(systolic_bp, diastolic_bp, heart_rate, respiratory_rate, temperature_c,
                        spo2, weight_kg, height_cm, pain_score) >= 1),
  check (array_position(abnormal_flags, null) is null),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, recorded_by) references users (organization_id, id)
);
comment on table vital_signs is 'Vital sign measurements (BP, HR, RR, temperature, SpO2, weight, height, pain) of a patient.';

create index vital_signs_org_patient_recorded_idx on vital_signs (organization_id, patient_id, recorded_at, id);
create index vital_signs_org_encounter_idx on vital_signs (organization_id, encounter_id);
create index vital_signs_org_recorded_by_idx on vital_signs (organization_id, recorded_by);

create trigger set_updated_at before update on vital_signs
  for each row execute function set_updated_at();

alter table vital_signs enable row level security;
alter table vital_signs force row level security;
create policy tenant_isolation on vital_signs
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on vital_signs to health_app;

-------------------------------------------------------------------------------
-- Problem list
-------------------------------------------------------------------------------

create table problem_list (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  patient_id      uuid not null,
  encounter_id    uuid,
  code            text check (char_length(code) between 1 and 50),
  code_system     text check (code_system ~ '^[A-Z0-9][A-Z0-9_.-]{0,31}$'),
  description     text not null check (char_length(description) between 1 and 1000),
  status          text not null default 'ACTIVE' check (status in ('ACTIVE', 'RESOLVED', 'INACTIVE')),
  severity        text check (severity in ('MILD', 'MODERATE', 'SEVERE')),
  onset_date      date,
  resolved_date   date,
  recorded_by     uuid,
  notes           text check (char_length(notes) <= 5000),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  deleted_at      timestamptz,
  primary key (organization_id, id),
  check (resolved_date is null or onset_date is null or resolved_date >= onset_date),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, recorded_by) references users (organization_id, id)
);
comment on table problem_list is 'Active and resolved problems/diagnoses of a patient (ICD-10 / SNOMED coded).';

create index problem_list_org_patient_status_idx on problem_list (organization_id, patient_id, status);
create index problem_list_org_encounter_idx on problem_list (organization_id, encounter_id);
create index problem_list_org_recorded_by_idx on problem_list (organization_id, recorded_by);

create trigger set_updated_at before update on problem_list
  for each row execute function set_updated_at();

alter table problem_list enable row level security;
alter table problem_list force row level security;
create policy tenant_isolation on problem_list
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on problem_list to health_app;

-------------------------------------------------------------------------------
-- Clinical notes
-------------------------------------------------------------------------------

create table clinical_notes (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  patient_id      uuid not null,
  encounter_id    uuid,
  author_id       uuid not null,
  note_type       text not null check (note_type in (
                    'PROGRESS', 'HISTORY_AND_PHYSICAL', 'DISCHARGE_SUMMARY', 'CONSULTATION',
                    'PROCEDURE', 'NURSING', 'TRIAGE')),
  title           text check (char_length(title) between 1 and 300),
  body            text not null check (char_length(body) between 1 and 200000),
  status          text not null default 'DRAFT' check (status in ('DRAFT', 'SIGNED')),
  signed_at       timestamptz,
  signed_by       uuid,
  amends_note_id  uuid,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  deleted_at      timestamptz,
  primary key (organization_id, id),
  -- target of the amendment foreign key: an amendment belongs to the same patient
  constraint clinical_notes_patient_id_unique unique (organization_id, patient_id, id),
  constraint clinical_notes_signed_has_signed_at check (status <> 'SIGNED' or signed_at is not null),
  constraint clinical_notes_draft_unsigned check (status = 'SIGNED' or (signed_at is null and signed_by is null)),
  check (amends_note_id is null or amends_note_id <> id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, author_id) references users (organization_id, id),
  foreign key (organization_id, signed_by) references users (organization_id, id),
  foreign key (organization_id, patient_id, amends_note_id) references clinical_notes (organization_id, patient_id, id)
);
comment on table clinical_notes is 'Clinical documentation; signed notes are immutable and corrected by amendment notes.';

create index clinical_notes_org_encounter_idx on clinical_notes (organization_id, encounter_id);
create index clinical_notes_org_patient_created_idx on clinical_notes (organization_id, patient_id, created_at);
create index clinical_notes_org_author_idx on clinical_notes (organization_id, author_id);
create index clinical_notes_org_signed_by_idx on clinical_notes (organization_id, signed_by);
create index clinical_notes_org_amends_idx on clinical_notes (organization_id, amends_note_id);

create function clinical_notes_signed_immutable() returns trigger
  language plpgsql
  as $$
begin
  if old.status = 'SIGNED' and (
       new.body is distinct from old.body
    or new.title is distinct from old.title
    or new.note_type is distinct from old.note_type
    or new.status is distinct from old.status
    or new.signed_at is distinct from old.signed_at
    or new.signed_by is distinct from old.signed_by
    or new.author_id is distinct from old.author_id
    or new.patient_id is distinct from old.patient_id
    or new.encounter_id is distinct from old.encounter_id
    or new.amends_note_id is distinct from old.amends_note_id
  ) then
    raise exception 'signed clinical note % is immutable; write an amendment instead', old.id
      using errcode = 'check_violation',
            constraint = 'clinical_notes_signed_immutable';
  end if;
  return new;
end
$$;
comment on function clinical_notes_signed_immutable() is 'BEFORE UPDATE trigger: once SIGNED, only deleted_at (and version/updated_at) of a note may change.';

create trigger clinical_notes_signed_immutable before update on clinical_notes
  for each row execute function clinical_notes_signed_immutable();
create trigger set_updated_at before update on clinical_notes
  for each row execute function set_updated_at();

alter table clinical_notes enable row level security;
alter table clinical_notes force row level security;
create policy tenant_isolation on clinical_notes
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on clinical_notes to health_app;

-------------------------------------------------------------------------------
-- Laboratory
-------------------------------------------------------------------------------

create table lab_tests (
  id                  uuid not null default gen_random_uuid(),
  organization_id     uuid not null references organizations (id),
  patient_id          uuid not null,
  encounter_id        uuid,
  ordered_by          uuid not null,
  test_code           text check (char_length(test_code) between 1 and 50),
  test_name           text not null check (char_length(test_name) between 1 and 200),
  specimen_type       text check (char_length(specimen_type) between 1 and 100),
  priority            text not null default 'ROUTINE' check (priority in ('ROUTINE', 'URGENT', 'STAT')),
  status              text not null default 'ORDERED' check (status in (
                        'ORDERED', 'COLLECTED', 'IN_PROGRESS', 'RESULTED', 'VERIFIED', 'CANCELLED')),
  clinical_indication text check (char_length(clinical_indication) <= 2000),
  notes               text check (char_length(notes) <= 5000),
  ordered_at          timestamptz not null default now(),
  collected_at        timestamptz,
  resulted_at         timestamptz,
  cancelled_at        timestamptz,
  cancellation_reason text check (char_length(cancellation_reason) <= 1000),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  version             integer not null default 1 check (version >= 1),
  deleted_at          timestamptz,
  primary key (organization_id, id),
  -- target of lab_results (organization_id, patient_id, lab_test_id)
  constraint lab_tests_patient_id_unique unique (organization_id, patient_id, id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, ordered_by) references users (organization_id, id)
);
comment on table lab_tests is 'Laboratory test orders: what was ordered, for whom, by whom, and their progress.';

create index lab_tests_org_patient_ordered_idx on lab_tests (organization_id, patient_id, ordered_at, id);
create index lab_tests_org_encounter_idx on lab_tests (organization_id, encounter_id);
create index lab_tests_org_ordered_by_idx on lab_tests (organization_id, ordered_by);
create index lab_tests_org_status_idx on lab_tests (organization_id, status, ordered_at);

create trigger set_updated_at before update on lab_tests
  for each row execute function set_updated_at();

alter table lab_tests enable row level security;
alter table lab_tests force row level security;
create policy tenant_isolation on lab_tests
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on lab_tests to health_app;

create table lab_results (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  lab_test_id     uuid not null,
  patient_id      uuid not null,
  analyte         text not null check (char_length(analyte) between 1 and 200),
  analyte_code    text check (char_length(analyte_code) between 1 and 50),
  result_value    text not null check (char_length(result_value) between 1 and 2000),
  result_numeric  numeric,
  result_unit     text check (char_length(result_unit) between 1 and 50),
  reference_range text check (char_length(reference_range) between 1 and 200),
  reference_low   numeric,
  reference_high  numeric,
  abnormal_flag   text check (abnormal_flag in (
                    'NORMAL', 'LOW', 'HIGH', 'CRITICAL_LOW', 'CRITICAL_HIGH', 'ABNORMAL')),
  status          text not null default 'PRELIMINARY'
                    check (status in ('PRELIMINARY', 'FINAL', 'CORRECTED', 'CANCELLED')),
  notes           text check (char_length(notes) <= 5000),
  resulted_at     timestamptz not null default now(),
  resulted_by     uuid,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  deleted_at      timestamptz,
  primary key (organization_id, id),
  check (reference_low is null or reference_high is null or reference_low <= reference_high),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, lab_test_id) references lab_tests (organization_id, patient_id, id),
  foreign key (organization_id, resulted_by) references users (organization_id, id)
);
comment on table lab_results is 'Result components (analytes) of a lab test with value, unit, reference range and flag.';

create index lab_results_org_test_idx on lab_results (organization_id, lab_test_id);
create index lab_results_org_patient_resulted_idx on lab_results (organization_id, patient_id, resulted_at);
create index lab_results_org_resulted_by_idx on lab_results (organization_id, resulted_by);

create trigger set_updated_at before update on lab_results
  for each row execute function set_updated_at();

alter table lab_results enable row level security;
alter table lab_results force row level security;
create policy tenant_isolation on lab_results
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on lab_results to health_app;

-------------------------------------------------------------------------------
-- Imaging and anatomy findings
-------------------------------------------------------------------------------

create table imaging_orders (
  id                  uuid not null default gen_random_uuid(),
  organization_id     uuid not null references organizations (id),
  patient_id          uuid not null,
  encounter_id        uuid,
  ordered_by          uuid not null,
  modality            text not null check (modality in (
                        'XRAY', 'CT', 'MRI', 'ULTRASOUND', 'MAMMOGRAPHY', 'NUCLEAR', 'FLUOROSCOPY', 'PET')),
  body_part           text not null check (char_length(body_part) between 1 and 200),
  body_system_id      uuid references body_systems (id),
  laterality          text check (laterality in ('LEFT', 'RIGHT', 'BILATERAL', 'NA')),
  contrast            boolean not null default false,
  priority            text not null default 'ROUTINE' check (priority in ('ROUTINE', 'URGENT', 'STAT')),
  status              text not null default 'ORDERED' check (status in (
                        'ORDERED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'REPORTED', 'CANCELLED')),
  clinical_indication text check (char_length(clinical_indication) <= 2000),
  findings            text check (char_length(findings) <= 20000),
  impression          text check (char_length(impression) <= 20000),
  ordered_at          timestamptz not null default now(),
  scheduled_at        timestamptz,
  completed_at        timestamptz,
  reported_at         timestamptz,
  reported_by         uuid,
  cancelled_at        timestamptz,
  cancellation_reason text check (char_length(cancellation_reason) <= 1000),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  version             integer not null default 1 check (version >= 1),
  deleted_at          timestamptz,
  primary key (organization_id, id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, ordered_by) references users (organization_id, id),
  foreign key (organization_id, reported_by) references users (organization_id, id)
);
comment on table imaging_orders is 'Radiology/imaging orders with modality, body part, status, findings and impression.';

create index imaging_orders_org_patient_ordered_idx on imaging_orders (organization_id, patient_id, ordered_at, id);
create index imaging_orders_org_encounter_idx on imaging_orders (organization_id, encounter_id);
create index imaging_orders_org_ordered_by_idx on imaging_orders (organization_id, ordered_by);
create index imaging_orders_org_reported_by_idx on imaging_orders (organization_id, reported_by);
create index imaging_orders_org_status_idx on imaging_orders (organization_id, status, ordered_at);
create index imaging_orders_org_body_system_idx on imaging_orders (organization_id, body_system_id);

create trigger set_updated_at before update on imaging_orders
  for each row execute function set_updated_at();

alter table imaging_orders enable row level security;
alter table imaging_orders force row level security;
create policy tenant_isolation on imaging_orders
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on imaging_orders to health_app;

create table anatomy_findings (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  patient_id      uuid not null,
  encounter_id    uuid,
  body_system_id  uuid not null references body_systems (id),
  recorded_by     uuid,
  location        text check (char_length(location) between 1 and 200),
  laterality      text check (laterality in ('LEFT', 'RIGHT', 'BILATERAL', 'NA')),
  finding         text not null check (char_length(finding) between 1 and 5000),
  severity        text check (severity in ('MILD', 'MODERATE', 'SEVERE')),
  notes           text check (char_length(notes) <= 5000),
  observed_at     timestamptz not null default now(),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  deleted_at      timestamptz,
  primary key (organization_id, id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, recorded_by) references users (organization_id, id)
);
comment on table anatomy_findings is 'Examination findings of a patient mapped to an anatomical body system.';

create index anatomy_findings_org_patient_observed_idx on anatomy_findings (organization_id, patient_id, observed_at, id);
create index anatomy_findings_org_encounter_idx on anatomy_findings (organization_id, encounter_id);
create index anatomy_findings_org_body_system_idx on anatomy_findings (organization_id, body_system_id);
create index anatomy_findings_org_recorded_by_idx on anatomy_findings (organization_id, recorded_by);

create trigger set_updated_at before update on anatomy_findings
  for each row execute function set_updated_at();

alter table anatomy_findings enable row level security;
alter table anatomy_findings force row level security;
create policy tenant_isolation on anatomy_findings
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on anatomy_findings to health_app;
grant select on body_systems to health_app;

-------------------------------------------------------------------------------
-- Pharmacy
-------------------------------------------------------------------------------

create table prescriptions (
  id                      uuid not null default gen_random_uuid(),
  organization_id         uuid not null references organizations (id),
  patient_id              uuid not null,
  encounter_id            uuid,
  prescriber_id           uuid not null,
  medication_name         text not null check (char_length(medication_name) between 1 and 200),
  medication_code         text check (char_length(medication_code) between 1 and 50),
  dosage                  text not null check (char_length(dosage) between 1 and 100),
  dose_amount             numeric check (dose_amount > 0),
  dose_unit               text check (char_length(dose_unit) between 1 and 30),
  route                   text not null check (route in (
                            'ORAL', 'IV', 'IM', 'SC', 'TOPICAL', 'INHALED', 'SUBLINGUAL', 'RECTAL',
                            'OPHTHALMIC', 'OTIC', 'NASAL', 'TRANSDERMAL')),
  frequency               text not null check (char_length(frequency) between 1 and 100),
  duration_days           integer check (duration_days > 0 and duration_days <= 3650),
  quantity                numeric(10,2) check (quantity > 0),
  refills                 integer not null default 0 check (refills between 0 and 99),
  instructions            text check (char_length(instructions) <= 2000),
  status                  text not null default 'ACTIVE' check (status in (
                            'ACTIVE', 'COMPLETED', 'DISCONTINUED', 'CANCELLED', 'ON_HOLD')),
  start_date              date not null default current_date,
  end_date                date,
  discontinued_at         timestamptz,
  discontinued_reason     text check (char_length(discontinued_reason) <= 1000),
  allergy_override_reason text check (char_length(allergy_override_reason) between 1 and 1000),
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  version                 integer not null default 1 check (version >= 1),
  deleted_at              timestamptz,
  primary key (organization_id, id),
  check (end_date is null or end_date >= start_date),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, prescriber_id) references users (organization_id, id)
);
comment on table prescriptions is 'Medication prescriptions with dose, route, frequency, duration, refills and status.';

create index prescriptions_org_patient_status_idx on prescriptions (organization_id, patient_id, status);
create index prescriptions_org_encounter_idx on prescriptions (organization_id, encounter_id);
create index prescriptions_org_prescriber_idx on prescriptions (organization_id, prescriber_id);

create trigger set_updated_at before update on prescriptions
  for each row execute function set_updated_at();

alter table prescriptions enable row level security;
alter table prescriptions force row level security;
create policy tenant_isolation on prescriptions
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on prescriptions to health_app;

create table drug_allergies (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  patient_id      uuid not null,
  allergen        text not null check (char_length(allergen) between 1 and 200),
  allergen_code   text check (char_length(allergen_code) between 1 and 50),
  reaction        text check (char_length(reaction) <= 1000),
  severity        text check (severity in ('MILD', 'MODERATE', 'SEVERE', 'LIFE_THREATENING')),
  status          text not null default 'ACTIVE'
                    check (status in ('ACTIVE', 'INACTIVE', 'RESOLVED', 'ENTERED_IN_ERROR')),
  onset_date      date,
  recorded_by     uuid,
  notes           text check (char_length(notes) <= 5000),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  deleted_at      timestamptz,
  primary key (organization_id, id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, recorded_by) references users (organization_id, id)
);
comment on table drug_allergies is 'Drug allergies of a patient, checked when prescribing.';

create index drug_allergies_org_patient_idx on drug_allergies (organization_id, patient_id);
create index drug_allergies_org_recorded_by_idx on drug_allergies (organization_id, recorded_by);

create trigger set_updated_at before update on drug_allergies
  for each row execute function set_updated_at();

alter table drug_allergies enable row level security;
alter table drug_allergies force row level security;
create policy tenant_isolation on drug_allergies
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on drug_allergies to health_app;

-------------------------------------------------------------------------------
-- Scheduling and outpatient queue
-------------------------------------------------------------------------------

create table appointments (
  id                     uuid not null default gen_random_uuid(),
  organization_id        uuid not null references organizations (id),
  patient_id             uuid not null,
  provider_id            uuid not null,
  department_id          uuid,
  scheduled_datetime     timestamptz not null,
  scheduled_end_datetime timestamptz not null,
  appointment_type       text not null check (appointment_type in (
                           'NEW_PATIENT', 'FOLLOW_UP', 'CONSULTATION', 'PROCEDURE', 'TELEHEALTH',
                           'LAB', 'IMAGING', 'VACCINATION')),
  status                 text not null default 'SCHEDULED' check (status in (
                           'SCHEDULED', 'CHECKED_IN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
  reason                 text check (char_length(reason) <= 2000),
  notes                  text check (char_length(notes) <= 5000),
  cancellation_reason    text check (char_length(cancellation_reason) <= 1000),
  cancelled_at           timestamptz,
  checked_in_at          timestamptz,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  version                integer not null default 1 check (version >= 1),
  deleted_at             timestamptz,
  primary key (organization_id, id),
  -- target of opd_queue (organization_id, patient_id, appointment_id)
  constraint appointments_patient_id_unique unique (organization_id, patient_id, id),
  constraint appointments_end_after_start check (scheduled_end_datetime > scheduled_datetime),
  constraint appointments_no_provider_overlap exclude using gist (
    organization_id with =,
    provider_id with =,
    tstzrange(scheduled_datetime, scheduled_end_datetime, '[)') with &&
  ) where (status not in ('CANCELLED', 'NO_SHOW') and deleted_at is null),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, provider_id) references users (organization_id, id),
  foreign key (organization_id, department_id) references departments (organization_id, id)
);
comment on table appointments is 'Scheduled appointments; a provider cannot be double-booked (exclusion constraint).';

create index appointments_org_scheduled_idx on appointments (organization_id, scheduled_datetime, id);
create index appointments_org_provider_scheduled_idx on appointments (organization_id, provider_id, scheduled_datetime);
create index appointments_org_patient_scheduled_idx on appointments (organization_id, patient_id, scheduled_datetime);
create index appointments_org_department_scheduled_idx on appointments (organization_id, department_id, scheduled_datetime);

create trigger set_updated_at before update on appointments
  for each row execute function set_updated_at();

alter table appointments enable row level security;
alter table appointments force row level security;
create policy tenant_isolation on appointments
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on appointments to health_app;

create table opd_queue (
  id                      uuid not null default gen_random_uuid(),
  organization_id         uuid not null references organizations (id),
  department_id           uuid not null,
  queue_date              date not null,
  token_number            integer not null check (token_number > 0),
  patient_id              uuid not null,
  appointment_id          uuid,
  priority                text not null default 'NORMAL' check (priority in ('EMERGENCY', 'URGENT', 'NORMAL')),
  priority_rank           smallint generated always as (
                            case priority when 'EMERGENCY' then 0 when 'URGENT' then 1 else 2 end
                          ) stored,
  status                  text not null default 'WAITING'
                            check (status in ('WAITING', 'CALLED', 'IN_CONSULTATION', 'DONE', 'LEFT')),
  enqueued_at             timestamptz not null default now(),
  called_at               timestamptz,
  called_by               uuid,
  consultation_started_at timestamptz,
  completed_at            timestamptz,
  left_at                 timestamptz,
  notes                   text check (char_length(notes) <= 2000),
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  version                 integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint opd_queue_token_unique unique (organization_id, department_id, queue_date, token_number),
  foreign key (organization_id, department_id) references departments (organization_id, id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, appointment_id) references appointments (organization_id, patient_id, id),
  foreign key (organization_id, called_by) references users (organization_id, id)
);
comment on table opd_queue is 'Outpatient department queue: daily tokens per department, ordered by priority then token.';

create index opd_queue_org_board_idx
  on opd_queue (organization_id, department_id, queue_date, status, priority_rank, token_number);
create index opd_queue_org_patient_idx on opd_queue (organization_id, patient_id, queue_date);
create index opd_queue_org_appointment_idx on opd_queue (organization_id, appointment_id);
create index opd_queue_org_called_by_idx on opd_queue (organization_id, called_by);

create trigger set_updated_at before update on opd_queue
  for each row execute function set_updated_at();

alter table opd_queue enable row level security;
alter table opd_queue force row level security;
create policy tenant_isolation on opd_queue
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on opd_queue to health_app;

-------------------------------------------------------------------------------
-- Billing
-------------------------------------------------------------------------------

create table service_catalog (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  code            text not null check (char_length(code) between 1 and 50),
  name            text not null check (char_length(name) between 1 and 200),
  description     text check (char_length(description) <= 2000),
  category        text not null check (category in (
                    'CONSULTATION', 'LABORATORY', 'IMAGING', 'PROCEDURE', 'PHARMACY', 'ROOM', 'NURSING', 'OTHER')),
  department_id   uuid,
  unit_price      numeric(12,2) not null check (unit_price >= 0),
  tax_rate        numeric(5,4) not null default 0 check (tax_rate between 0 and 1),
  currency        char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint service_catalog_code_unique unique (organization_id, code),
  foreign key (organization_id, department_id) references departments (organization_id, id)
);
comment on table service_catalog is 'Billable services of an organization with unit price and tax rate.';

create index service_catalog_org_name_idx on service_catalog (organization_id, name, id);
create index service_catalog_org_department_idx on service_catalog (organization_id, department_id);

create trigger set_updated_at before update on service_catalog
  for each row execute function set_updated_at();

alter table service_catalog enable row level security;
alter table service_catalog force row level security;
create policy tenant_isolation on service_catalog
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on service_catalog to health_app;

create table invoices (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  invoice_number  text not null check (char_length(invoice_number) between 1 and 50),
  invoice_seq     bigint not null check (invoice_seq > 0),
  patient_id      uuid not null,
  encounter_id    uuid,
  status          text not null default 'DRAFT' check (status in (
                    'DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'VOID', 'PARTIALLY_REFUNDED', 'REFUNDED')),
  currency        char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  subtotal        numeric(12,2) not null default 0 check (subtotal >= 0),
  discount_total  numeric(12,2) not null default 0 check (discount_total >= 0),
  tax_total       numeric(12,2) not null default 0 check (tax_total >= 0),
  total           numeric(12,2) not null default 0 check (total >= 0),
  amount_paid     numeric(12,2) not null default 0 check (amount_paid >= 0),
  amount_refunded numeric(12,2) not null default 0 check (amount_refunded >= 0),
  balance_due     numeric(12,2) not null default 0 check (balance_due >= 0),
  issued_at       timestamptz,
  due_date        date,
  voided_at       timestamptz,
  void_reason     text check (char_length(void_reason) <= 1000),
  notes           text check (char_length(notes) <= 5000),
  created_by      uuid,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  deleted_at      timestamptz,
  primary key (organization_id, id),
  constraint invoices_number_unique unique (organization_id, invoice_number),
  constraint invoices_seq_unique unique (organization_id, invoice_seq),
  -- target of payments (organization_id, patient_id, invoice_id)
  constraint invoices_patient_id_unique unique (organization_id, patient_id, id),
  constraint invoices_discount_within_subtotal check (discount_total <= subtotal),
  constraint invoices_total_formula check (total = subtotal - discount_total + tax_total),
  constraint invoices_refund_within_paid check (amount_refunded <= amount_paid),
  constraint invoices_net_paid_within_total check (amount_paid - amount_refunded <= total),
  constraint invoices_balance_formula check (balance_due = total - (amount_paid - amount_refunded)),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, encounter_id) references encounters (organization_id, patient_id, id),
  foreign key (organization_id, created_by) references users (organization_id, id)
);
comment on table invoices is 'Patient invoices with totals, payments, refunds and balance kept consistent by CHECK constraints.';

create index invoices_org_patient_status_idx on invoices (organization_id, patient_id, status);
create index invoices_org_issued_idx on invoices (organization_id, issued_at, id);
create index invoices_org_created_idx on invoices (organization_id, created_at, id);
create index invoices_org_status_due_idx on invoices (organization_id, status, due_date);
create index invoices_org_encounter_idx on invoices (organization_id, encounter_id);
create index invoices_org_created_by_idx on invoices (organization_id, created_by);

create trigger set_updated_at before update on invoices
  for each row execute function set_updated_at();

alter table invoices enable row level security;
alter table invoices force row level security;
create policy tenant_isolation on invoices
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on invoices to health_app;

create table invoice_line_items (
  id                      uuid not null default gen_random_uuid(),
  organization_id         uuid not null references organizations (id),
  invoice_id              uuid not null,
  service_catalog_item_id uuid,
  description             text not null check (char_length(description) between 1 and 500),
  quantity                numeric(10,2) not null default 1 check (quantity > 0),
  unit_price              numeric(12,2) not null check (unit_price >= 0),
  discount                numeric(12,2) not null default 0 check (discount >= 0),
  tax_rate                numeric(5,4) not null default 0 check (tax_rate between 0 and 1),
  tax_amount              numeric(12,2) not null default 0 check (tax_amount >= 0),
  line_total              numeric(12,2) not null default 0 check (line_total >= 0),
  position                integer not null default 0 check (position >= 0),
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  version                 integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint invoice_line_items_discount_within_amount check (discount <= quantity * unit_price),
  foreign key (organization_id, invoice_id) references invoices (organization_id, id) on delete cascade,
  foreign key (organization_id, service_catalog_item_id) references service_catalog (organization_id, id)
);
comment on table invoice_line_items is 'Lines of an invoice (service, quantity, price, discount, tax); hard-deleted while the invoice is a draft.';

create index invoice_line_items_org_invoice_idx on invoice_line_items (organization_id, invoice_id, position);
create index invoice_line_items_org_service_idx on invoice_line_items (organization_id, service_catalog_item_id);

create trigger set_updated_at before update on invoice_line_items
  for each row execute function set_updated_at();

alter table invoice_line_items enable row level security;
alter table invoice_line_items force row level security;
create policy tenant_isolation on invoice_line_items
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update, delete on invoice_line_items to health_app;

create table payments (
  id                   uuid not null default gen_random_uuid(),
  organization_id      uuid not null references organizations (id),
  invoice_id           uuid not null,
  patient_id           uuid not null,
  amount               numeric(12,2) not null check (amount > 0),
  currency             char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  method               text not null check (method in (
                         'CASH', 'CARD', 'INSURANCE', 'MOBILE_MONEY', 'BANK_TRANSFER', 'CHEQUE')),
  kind                 text not null default 'PAYMENT' check (kind in ('PAYMENT', 'REFUND')),
  refund_of_payment_id uuid,
  refunded_amount      numeric(12,2) not null default 0 check (refunded_amount >= 0),
  reference            text check (char_length(reference) between 1 and 200),
  idempotency_key      text check (char_length(idempotency_key) between 1 and 200),
  received_at          timestamptz not null default now(),
  received_by          uuid,
  reason               text check (char_length(reason) <= 1000),
  status               text not null default 'COMPLETED' check (status in ('COMPLETED', 'VOIDED')),
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  version              integer not null default 1 check (version >= 1),
  deleted_at           timestamptz,
  primary key (organization_id, id),
  constraint payments_idempotency_key_unique unique (organization_id, idempotency_key),
  -- target of the refund self-reference: a refund refunds a payment of the same invoice
  constraint payments_invoice_id_unique unique (organization_id, invoice_id, id),
  constraint payments_refunded_within_amount check (refunded_amount <= amount),
  constraint payments_refunded_only_on_payments check (kind = 'PAYMENT' or refunded_amount = 0),
  constraint payments_refund_reference_only_on_refunds check (kind = 'REFUND' or refund_of_payment_id is null),
  check (refund_of_payment_id is null or refund_of_payment_id <> id),
  foreign key (organization_id, patient_id) references ehr_patients (organization_id, id),
  foreign key (organization_id, patient_id, invoice_id) references invoices (organization_id, patient_id, id),
  foreign key (organization_id, invoice_id, refund_of_payment_id) references payments (organization_id, invoice_id, id),
  foreign key (organization_id, received_by) references users (organization_id, id)
);
comment on table payments is 'Payments and refunds against invoices; refunds reference the payment they refund.';

create index payments_org_invoice_idx on payments (organization_id, invoice_id);
create index payments_org_received_idx on payments (organization_id, received_at);
create index payments_org_patient_idx on payments (organization_id, patient_id, received_at);
create index payments_org_refund_of_idx on payments (organization_id, refund_of_payment_id);
create index payments_org_received_by_idx on payments (organization_id, received_by);

create trigger set_updated_at before update on payments
  for each row execute function set_updated_at();

alter table payments enable row level security;
alter table payments force row level security;
create policy tenant_isolation on payments
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on payments to health_app;

-------------------------------------------------------------------------------
-- Workflows
-------------------------------------------------------------------------------

create table workflow_definitions (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  name            text not null check (char_length(name) between 1 and 200),
  description     text check (char_length(description) <= 2000),
  entity_type     text not null check (entity_type in (
                    'ENCOUNTER', 'LAB_ORDER', 'IMAGING_ORDER', 'PRESCRIPTION', 'APPOINTMENT', 'REFERRAL', 'ADMISSION')),
  definition_key  text not null check (char_length(definition_key) between 1 and 100),
  version_number  integer not null default 1 check (version_number >= 1),
  status          text not null default 'DRAFT' check (status in ('DRAFT', 'PUBLISHED', 'ARCHIVED')),
  is_active       boolean not null default true,
  is_default      boolean not null default false,
  state_machine   jsonb not null check (
                    jsonb_typeof(state_machine) = 'object'
                    and state_machine ? 'states'
                    and state_machine ? 'transitions'),
  published_at    timestamptz,
  created_by      uuid,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint workflow_definitions_key_version_unique unique (organization_id, definition_key, version_number),
  foreign key (organization_id, created_by) references users (organization_id, id)
);
comment on table workflow_definitions is 'Versioned workflow templates: a state machine (states, transitions) for an entity type.';

create unique index workflow_definitions_one_default_idx
  on workflow_definitions (organization_id, entity_type) where is_default and is_active;
create index workflow_definitions_org_entity_type_idx on workflow_definitions (organization_id, entity_type, status);
create index workflow_definitions_org_created_by_idx on workflow_definitions (organization_id, created_by);

create trigger set_updated_at before update on workflow_definitions
  for each row execute function set_updated_at();

alter table workflow_definitions enable row level security;
alter table workflow_definitions force row level security;
create policy tenant_isolation on workflow_definitions
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on workflow_definitions to health_app;

create table workflow_instances (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  definition_id   uuid not null,
  entity_type     text not null check (entity_type in (
                    'ENCOUNTER', 'LAB_ORDER', 'IMAGING_ORDER', 'PRESCRIPTION', 'APPOINTMENT', 'REFERRAL', 'ADMISSION')),
  entity_id       uuid not null,
  current_state   text not null check (char_length(current_state) between 1 and 100),
  context         jsonb not null default '{}' check (jsonb_typeof(context) = 'object'),
  status          text not null default 'ACTIVE' check (status in ('ACTIVE', 'COMPLETED', 'CANCELLED')),
  started_by      uuid,
  started_at      timestamptz not null default now(),
  completed_at    timestamptz,
  cancelled_at    timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  foreign key (organization_id, definition_id) references workflow_definitions (organization_id, id),
  foreign key (organization_id, started_by) references users (organization_id, id)
);
comment on table workflow_instances is 'Running workflow instances: which entity, which definition, current state and context.';

create index workflow_instances_org_entity_idx on workflow_instances (organization_id, entity_type, entity_id);
create index workflow_instances_org_definition_idx on workflow_instances (organization_id, definition_id);
create index workflow_instances_org_status_idx on workflow_instances (organization_id, status);
create index workflow_instances_org_started_by_idx on workflow_instances (organization_id, started_by);

create trigger set_updated_at before update on workflow_instances
  for each row execute function set_updated_at();

alter table workflow_instances enable row level security;
alter table workflow_instances force row level security;
create policy tenant_isolation on workflow_instances
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on workflow_instances to health_app;

create table workflow_transitions (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  instance_id     uuid not null,
  from_state      text check (char_length(from_state) between 1 and 100),
  to_state        text not null check (char_length(to_state) between 1 and 100),
  event           text not null check (char_length(event) between 1 and 100),
  actor_id        uuid,
  comment         text check (char_length(comment) <= 2000),
  occurred_at     timestamptz not null default now(),
  created_at      timestamptz not null default now(),
  primary key (organization_id, id),
  -- target of workflow_tasks (organization_id, instance_id, transition_id)
  constraint workflow_transitions_instance_id_unique unique (organization_id, instance_id, id),
  foreign key (organization_id, instance_id) references workflow_instances (organization_id, id),
  foreign key (organization_id, actor_id) references users (organization_id, id)
);
comment on table workflow_transitions is 'Append-only history of state transitions of workflow instances.';

create index workflow_transitions_org_instance_idx on workflow_transitions (organization_id, instance_id, occurred_at, id);
create index workflow_transitions_org_actor_idx on workflow_transitions (organization_id, actor_id);

alter table workflow_transitions enable row level security;
alter table workflow_transitions force row level security;
create policy tenant_isolation on workflow_transitions
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert on workflow_transitions to health_app;

create table workflow_tasks (
  id               uuid not null default gen_random_uuid(),
  organization_id  uuid not null references organizations (id),
  instance_id      uuid not null,
  transition_id    uuid,
  name             text not null check (char_length(name) between 1 and 200),
  description      text check (char_length(description) <= 2000),
  assigned_role    text references roles (code),
  assigned_user_id uuid,
  claimed_by       uuid,
  priority         text not null default 'NORMAL' check (priority in ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
  status           text not null default 'OPEN' check (status in ('OPEN', 'CLAIMED', 'COMPLETED', 'CANCELLED')),
  due_at           timestamptz,
  claimed_at       timestamptz,
  completed_at     timestamptz,
  completed_by     uuid,
  form_data        jsonb,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  version          integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint workflow_tasks_assignee_required check (assigned_role is not null or assigned_user_id is not null),
  foreign key (organization_id, instance_id) references workflow_instances (organization_id, id),
  foreign key (organization_id, instance_id, transition_id) references workflow_transitions (organization_id, instance_id, id),
  foreign key (organization_id, assigned_user_id) references users (organization_id, id),
  foreign key (organization_id, claimed_by) references users (organization_id, id),
  foreign key (organization_id, completed_by) references users (organization_id, id)
);
comment on table workflow_tasks is 'Human tasks of workflow instances, assigned to a role and/or a user, claimed and completed.';

create index workflow_tasks_org_status_role_idx on workflow_tasks (organization_id, status, assigned_role);
create index workflow_tasks_org_assigned_user_idx on workflow_tasks (organization_id, assigned_user_id);
create index workflow_tasks_org_instance_idx on workflow_tasks (organization_id, instance_id);
create index workflow_tasks_org_transition_idx on workflow_tasks (organization_id, transition_id);
create index workflow_tasks_org_claimed_by_idx on workflow_tasks (organization_id, claimed_by);
create index workflow_tasks_org_completed_by_idx on workflow_tasks (organization_id, completed_by);

create trigger set_updated_at before update on workflow_tasks
  for each row execute function set_updated_at();

alter table workflow_tasks enable row level security;
alter table workflow_tasks force row level security;
create policy tenant_isolation on workflow_tasks
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on workflow_tasks to health_app;

create table workflow_config (
  id                     uuid not null default gen_random_uuid(),
  organization_id        uuid not null references organizations (id),
  settings               jsonb not null default '{}' check (jsonb_typeof(settings) = 'object'),
  default_task_due_hours integer not null default 24 check (default_task_due_hours > 0),
  escalation_enabled     boolean not null default false,
  escalation_after_hours integer check (escalation_after_hours > 0),
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  version                integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  constraint workflow_config_one_per_org unique (organization_id)
);
comment on table workflow_config is 'Workflow settings of an organization (one row per organization).';

create trigger set_updated_at before update on workflow_config
  for each row execute function set_updated_at();

alter table workflow_config enable row level security;
alter table workflow_config force row level security;
create policy tenant_isolation on workflow_config
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on workflow_config to health_app;

create table visual_workflows (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  definition_id   uuid,
  name            text not null check (char_length(name) between 1 and 200),
  description     text check (char_length(description) <= 2000),
  nodes           jsonb not null default '[]' check (jsonb_typeof(nodes) = 'array'),
  edges           jsonb not null default '[]' check (jsonb_typeof(edges) = 'array'),
  layout          jsonb not null default '{}' check (jsonb_typeof(layout) = 'object'),
  created_by      uuid,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  primary key (organization_id, id),
  foreign key (organization_id, definition_id) references workflow_definitions (organization_id, id),
  foreign key (organization_id, created_by) references users (organization_id, id)
);
comment on table visual_workflows is 'Workflow designer documents (nodes, edges, layout), optionally bound to a definition.';

create index visual_workflows_org_definition_idx on visual_workflows (organization_id, definition_id);
create index visual_workflows_org_created_by_idx on visual_workflows (organization_id, created_by);

create trigger set_updated_at before update on visual_workflows
  for each row execute function set_updated_at();

alter table visual_workflows enable row level security;
alter table visual_workflows force row level security;
create policy tenant_isolation on visual_workflows
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on visual_workflows to health_app;

-------------------------------------------------------------------------------
-- Per-organization counters (gap-free numbers)
-------------------------------------------------------------------------------

create table tenant_counters (
  organization_id uuid not null references organizations (id),
  name            text not null check (char_length(name) between 1 and 100),
  value           bigint not null default 0 check (value >= 0),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (organization_id, name)
);
comment on table tenant_counters is 'Gap-free per-organization counters (invoice numbers, MRNs, queue tokens) advanced by UPDATE ... RETURNING.';

create trigger set_updated_at before update on tenant_counters
  for each row execute function set_updated_at();

alter table tenant_counters enable row level security;
alter table tenant_counters force row level security;
create policy tenant_isolation on tenant_counters
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update on tenant_counters to health_app;

-------------------------------------------------------------------------------
-- Append-only logs
-------------------------------------------------------------------------------

create table audit_log (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  actor_user_id   uuid,
  action          text not null check (char_length(action) between 1 and 100),
  entity_type     text not null check (char_length(entity_type) between 1 and 100),
  entity_id       uuid,
  changes         jsonb check (changes is null or jsonb_typeof(changes) = 'object'),
  request_id      text check (char_length(request_id) <= 200),
  ip              text check (char_length(ip) <= 100),
  occurred_at     timestamptz not null default now(),
  primary key (organization_id, id)
  -- deliberately no foreign key to users: audit rows outlive users and may name none
);
comment on table audit_log is 'Append-only audit trail of every change and authentication event (before/after in changes).';

create index audit_log_org_entity_idx on audit_log (organization_id, entity_type, entity_id, occurred_at);
create index audit_log_org_occurred_idx on audit_log (organization_id, occurred_at);
create index audit_log_org_actor_idx on audit_log (organization_id, actor_user_id, occurred_at);

create trigger audit_log_immutable before update or delete on audit_log
  for each row execute function audit_log_immutable();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_immutable();

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy tenant_isolation on audit_log
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy auth_insert on audit_log for insert to health_auth with check (true);

grant select, insert on audit_log to health_app;
grant insert on audit_log to health_auth;

create table phi_access_log (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  user_id         uuid,
  request_id      text check (char_length(request_id) <= 200),
  patient_ids     uuid[] not null check (array_position(patient_ids, null) is null),
  operation_name  text check (char_length(operation_name) <= 200),
  accessed_at     timestamptz not null default now(),
  primary key (organization_id, id)
  -- deliberately no foreign key to users, like audit_log
);
comment on table phi_access_log is 'Append-only record of which patients each request read (one row per request).';

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
-- Schema-wide grants (explicit; no default privileges)
-------------------------------------------------------------------------------

grant usage on schema public to health_app, health_auth;
grant execute on function app_current_org(), app_current_user() to health_app, health_auth;
