--! Previous: sha1:46d3f4f32a209e70a8e813d282592f5daecb1a95
--! Hash: sha1:540c25bd838c15639b909d05ca4ba31f3358134f
--! Message: Lab critical limits (global and per organization), lab result corrections, vital signs entered in error and physiological plausibility limits

-- Lab safety, age-aware vital signs and corrections (issue 20, findings 3, 4 and 8).

-------------------------------------------------------------------------------
-- Critical (panic) limits of common analytes: global defaults, read-only to tenants
-------------------------------------------------------------------------------

create table lab_critical_limits (
  analyte_key  text not null check (analyte_key ~ '^[A-Z][A-Z0-9_]{1,49}$'),
  unit         text not null check (char_length(unit) between 1 and 50),
  analyte_name text not null check (char_length(analyte_name) between 1 and 200),
  -- LOINC codes matched against lab_results.analyte_code
  loinc_codes  text[] not null default '{}',
  -- analyte names, normalized (lower case, words separated by one space), matched against lab_results.analyte
  names        text[] not null,
  -- other spellings of the unit, normalized (lower case, no spaces, µ → u)
  unit_aliases text[] not null default '{}',
  critical_low  numeric,
  critical_high numeric,
  source       text not null check (char_length(source) between 1 and 500),
  primary key (analyte_key, unit),
  check (critical_low is not null or critical_high is not null),
  check (critical_low is null or critical_high is null or critical_low < critical_high)
);
comment on table lab_critical_limits is
  'Global default critical (panic) limits of common analytes per unit (reference data, version 2026-12); organizations override them in organization_lab_critical_limits.';

create index lab_critical_limits_loinc_idx on lab_critical_limits using gin (loinc_codes);
create index lab_critical_limits_names_idx on lab_critical_limits using gin (names);

grant select on lab_critical_limits to health_app;

-- Adult limits as commonly published by hospital laboratories (CAP Q-Probes survey of critical limits,
-- Wagar et al., Arch Pathol Lab Med 2007;131:44-49; Kost, JAMA 1990;263:704-7). Each organization
-- should review them with its laboratory director and override where its policy differs.
insert into lab_critical_limits (analyte_key, unit, analyte_name, loinc_codes, names, unit_aliases, critical_low, critical_high, source) values
  ('POTASSIUM', 'mmol/L', 'Potassium', '{2823-3,6298-4,32713-0}',
   '{k,k+,potassium,serum potassium,potassium serum,plasma potassium,potassium plasma,potassium serum or plasma}', '{meq/l}', 2.5, 6.5, 'CAP Q-Probes 2007'),
  ('SODIUM', 'mmol/L', 'Sodium', '{2951-2,2947-0,32717-1}',
   '{na,na+,sodium,serum sodium,sodium serum,plasma sodium,sodium plasma,sodium serum or plasma}', '{meq/l}', 120, 160, 'CAP Q-Probes 2007'),
  ('GLUCOSE', 'mg/dL', 'Glucose', '{2345-7,2339-0,41653-7,2341-6}',
   '{glu,glucose,blood glucose,serum glucose,glucose serum,plasma glucose,glucose plasma,glucose serum or plasma,poc glucose}', '{}', 50, 400, 'CAP Q-Probes 2007'),
  ('GLUCOSE', 'mmol/L', 'Glucose', '{15074-8,14749-6,14743-9}',
   '{glu,glucose,blood glucose,serum glucose,glucose serum,plasma glucose,glucose plasma,glucose serum or plasma,poc glucose}', '{}', 2.8, 22.2, 'CAP Q-Probes 2007 (converted)'),
  ('CALCIUM', 'mg/dL', 'Calcium (total)', '{17861-6,2000-8}',
   '{ca,calcium,total calcium,calcium total,serum calcium,calcium serum}', '{}', 6.0, 13.0, 'CAP Q-Probes 2007'),
  ('CALCIUM', 'mmol/L', 'Calcium (total)', '{2000-8,29265-6}',
   '{ca,calcium,total calcium,calcium total,serum calcium,calcium serum}', '{}', 1.5, 3.25, 'CAP Q-Probes 2007 (converted)'),
  ('IONIZED_CALCIUM', 'mmol/L', 'Calcium (ionized)', '{1994-3,17863-2}',
   '{ica,ionized calcium,calcium ionized,ionised calcium,calcium ionised,free calcium}', '{}', 0.78, 1.6, 'CAP Q-Probes 2007'),
  ('HEMOGLOBIN', 'g/dL', 'Hemoglobin', '{718-7,20509-6,30313-1}',
   '{hb,hgb,hemoglobin,haemoglobin,blood hemoglobin}', '{}', 7.0, 20.0, 'CAP Q-Probes 2007'),
  ('HEMOGLOBIN', 'g/L', 'Hemoglobin', '{718-7,20509-6,30313-1}',
   '{hb,hgb,hemoglobin,haemoglobin,blood hemoglobin}', '{}', 70, 200, 'CAP Q-Probes 2007 (converted)'),
  ('HEMOGLOBIN', 'mmol/L', 'Hemoglobin', '{59260-0}',
   '{hb,hgb,hemoglobin,haemoglobin,blood hemoglobin}', '{}', 4.3, 12.4, 'CAP Q-Probes 2007 (converted)'),
  ('HEMATOCRIT', '%', 'Hematocrit', '{4544-3,20570-8}',
   '{hct,hematocrit,haematocrit,packed cell volume,pcv}', '{}', 20, 60, 'CAP Q-Probes 2007'),
  ('PLATELETS', '10^3/uL', 'Platelet count', '{777-3,26515-7,49497-1}',
   '{plt,platelet,platelets,platelet count,thrombocytes}', '{10^9/l,x10^9/l,10*9/l,10*3/ul,x10^3/ul,k/ul,thou/ul,10e9/l}', 50, 1000, 'CAP Q-Probes 2007'),
  ('WBC', '10^3/uL', 'White blood cell count', '{6690-2,26464-8,804-5}',
   '{wbc,white blood cell count,white blood cells,white cell count,leukocytes,leukocyte count,leucocytes}', '{10^9/l,x10^9/l,10*9/l,10*3/ul,x10^3/ul,k/ul,thou/ul,10e9/l}', 2.0, 30.0, 'CAP Q-Probes 2007'),
  ('NEUTROPHILS_ABSOLUTE', '10^3/uL', 'Absolute neutrophil count', '{751-8,26499-4}',
   '{anc,absolute neutrophil count,neutrophils absolute,neutrophil count,neutrophils}', '{10^9/l,x10^9/l,10*9/l,10*3/ul,x10^3/ul,k/ul,thou/ul,10e9/l}', 0.5, null, 'CAP Q-Probes 2007'),
  ('INR', 'INR', 'International normalized ratio', '{6301-6,34714-6,46418-0}',
   '{inr,pt inr,inr pt,international normalized ratio,prothrombin time inr}', '{ratio,1,"{inr}","{ratio}"}', null, 5.0, 'CAP Q-Probes 2007'),
  ('APTT', 's', 'Activated partial thromboplastin time', '{3173-2,14979-9}',
   '{aptt,ptt,activated partial thromboplastin time,partial thromboplastin time}', '{sec,secs,second,seconds}', null, 100, 'CAP Q-Probes 2007'),
  ('FIBRINOGEN', 'mg/dL', 'Fibrinogen', '{3255-7}', '{fibrinogen}', '{}', 100, null, 'CAP Q-Probes 2007'),
  ('TROPONIN_I', 'ng/mL', 'Troponin I (cardiac)', '{10839-9,42757-5,49563-0}',
   '{troponin,troponin i,tni,ctni,cardiac troponin i,troponin i cardiac}', '{ug/l}', null, 0.04, '99th percentile URL, common contemporary assays'),
  ('TROPONIN_I', 'ng/L', 'Troponin I (cardiac)', '{89579-7}',
   '{troponin,troponin i,tni,ctni,cardiac troponin i,troponin i cardiac,hs troponin i,hstni}', '{pg/ml}', null, 40, '99th percentile URL, common contemporary assays (converted)'),
  ('TROPONIN_T', 'ng/L', 'Troponin T (high-sensitivity)', '{67151-1,6598-7}',
   '{troponin t,tnt,ctnt,hs troponin t,hstnt,cardiac troponin t}', '{pg/ml}', null, 52, 'ESC 2020 rule-in threshold, hs-cTnT'),
  ('MAGNESIUM', 'mg/dL', 'Magnesium', '{19123-9,2601-3}', '{mg,magnesium,serum magnesium,magnesium serum}', '{}', 1.0, 4.7, 'CAP Q-Probes 2007'),
  ('MAGNESIUM', 'mmol/L', 'Magnesium', '{2601-3}', '{mg,magnesium,serum magnesium,magnesium serum}', '{}', 0.4, 1.9, 'CAP Q-Probes 2007 (converted)'),
  ('PHOSPHATE', 'mg/dL', 'Phosphate', '{2777-1}', '{phos,phosphate,phosphorus,inorganic phosphate}', '{}', 1.0, null, 'CAP Q-Probes 2007'),
  ('BICARBONATE', 'mmol/L', 'Bicarbonate (total CO2)', '{1963-8,2028-9,1959-6}',
   '{hco3,bicarbonate,co2,total co2,carbon dioxide,tco2}', '{meq/l}', 10, 40, 'CAP Q-Probes 2007'),
  ('LACTATE', 'mmol/L', 'Lactate', '{2524-7,32693-4,2518-9}', '{lactate,lactic acid,blood lactate}', '{meq/l}', null, 4.0, 'CAP Q-Probes 2007'),
  ('PH_BLOOD', 'pH', 'pH (arterial blood)', '{2744-1,11558-4}', '{ph,arterial ph,blood ph,ph arterial}', '{"[ph]","{ph}",phunits}', 7.2, 7.6, 'CAP Q-Probes 2007'),
  ('PCO2', 'mmHg', 'pCO2 (arterial blood)', '{2019-8}', '{pco2,paco2,pco2 arterial}', '{"mm[hg]",mmhg}', 20, 70, 'CAP Q-Probes 2007'),
  ('PO2', 'mmHg', 'pO2 (arterial blood)', '{2703-7}', '{po2,pao2,po2 arterial}', '{"mm[hg]",mmhg}', 40, null, 'CAP Q-Probes 2007');

-------------------------------------------------------------------------------
-- Per-organization overrides (edited by admins, audited)
-------------------------------------------------------------------------------

create table organization_lab_critical_limits (
  organization_id uuid not null references organizations (id),
  analyte_key     text not null,
  unit            text not null,
  critical_low    numeric,
  critical_high   numeric,
  updated_by      uuid,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1 check (version >= 1),
  primary key (organization_id, analyte_key, unit),
  check (critical_low is not null or critical_high is not null),
  check (critical_low is null or critical_high is null or critical_low < critical_high),
  foreign key (analyte_key, unit) references lab_critical_limits (analyte_key, unit),
  foreign key (organization_id, updated_by) references users (organization_id, id)
);
comment on table organization_lab_critical_limits is 'An organization''s own critical limits for an analyte and unit, replacing the global default.';

create index organization_lab_critical_limits_updated_by_idx on organization_lab_critical_limits (organization_id, updated_by);

create trigger set_updated_at before update on organization_lab_critical_limits
  for each row execute function set_updated_at();

alter table organization_lab_critical_limits enable row level security;
alter table organization_lab_critical_limits force row level security;
create policy tenant_isolation on organization_lab_critical_limits
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update, delete on organization_lab_critical_limits to health_app;

-------------------------------------------------------------------------------
-- Lab result corrections and finalizations: which result replaced which (history)
-------------------------------------------------------------------------------

create table lab_result_supersessions (
  organization_id uuid not null references organizations (id),
  superseded_id   uuid not null,
  superseding_id  uuid not null,
  lab_test_id     uuid not null,
  -- CORRECTION: a FINAL value replaced by a corrected one (the old row becomes CORRECTED);
  -- FINALIZATION: a PRELIMINARY value replaced by a later result of the same analyte
  kind            text not null check (kind in ('CORRECTION', 'FINALIZATION')),
  reason          text check (char_length(reason) between 1 and 1000),
  recorded_by     uuid,
  recorded_at     timestamptz not null default now(),
  primary key (organization_id, superseded_id),
  check (superseded_id <> superseding_id),
  check (kind <> 'CORRECTION' or reason is not null),
  foreign key (organization_id, superseded_id) references lab_results (organization_id, id),
  foreign key (organization_id, superseding_id) references lab_results (organization_id, id),
  foreign key (organization_id, lab_test_id) references lab_tests (organization_id, id),
  foreign key (organization_id, recorded_by) references users (organization_id, id)
);
comment on table lab_result_supersessions is 'Append-only history of lab results replaced by a later result (corrections of FINAL values, finalization of PRELIMINARY ones).';

create index lab_result_supersessions_superseding_idx on lab_result_supersessions (organization_id, superseding_id);
create index lab_result_supersessions_test_idx on lab_result_supersessions (organization_id, lab_test_id);
create index lab_result_supersessions_recorded_by_idx on lab_result_supersessions (organization_id, recorded_by);

alter table lab_result_supersessions enable row level security;
alter table lab_result_supersessions force row level security;
create policy tenant_isolation on lab_result_supersessions
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert on lab_result_supersessions to health_app;

-- Existing duplicate FINAL results of one analyte in one test: the newest stays FINAL, the older ones
-- become CORRECTED (with a history row), so the one-FINAL rule below can hold.
with ranked as (
  select organization_id, id, lab_test_id, resulted_by,
         first_value(id) over w as newest_id,
         row_number() over w as rn
  from lab_results
  where status = 'FINAL' and deleted_at is null
  window w as (partition by organization_id, lab_test_id, lower(btrim(analyte)) order by resulted_at desc, id desc)
), history as (
  insert into lab_result_supersessions (organization_id, superseded_id, superseding_id, lab_test_id, kind, reason, recorded_at)
  select organization_id, id, newest_id, lab_test_id, 'CORRECTION', 'Superseded by a later FINAL result of the same analyte (migration)', now()
  from ranked where rn > 1
  returning organization_id, superseded_id
)
update lab_results r set status = 'CORRECTED', version = r.version + 1
from history h where r.organization_id = h.organization_id and r.id = h.superseded_id;

-- One FINAL result per analyte per test; a later value goes through correctLabResult.
create unique index lab_results_one_final_per_analyte_idx
  on lab_results (organization_id, lab_test_id, lower(btrim(analyte)))
  where status = 'FINAL' and deleted_at is null;

-- criticalResults: the critical results of an organization, newest first.
create index lab_results_org_critical_idx on lab_results (organization_id, resulted_at, id)
  where abnormal_flag in ('CRITICAL_LOW', 'CRITICAL_HIGH') and deleted_at is null;

-------------------------------------------------------------------------------
-- Vital signs: plausibility limits at physiological extremes, entered in error
-------------------------------------------------------------------------------

-- Survived accidental hypothermia goes down to about 13.7 °C and profound hypoxaemia reads below 50 %:
-- the limits only refuse what no living patient (or a Fahrenheit value) can show.
alter table vital_signs drop constraint vital_signs_temperature_c_check;
alter table vital_signs add constraint vital_signs_temperature_c_check check (temperature_c between 10.0 and 46.0);
alter table vital_signs drop constraint vital_signs_spo2_check;
alter table vital_signs add constraint vital_signs_spo2_check check (spo2 between 10 and 100);

create table vital_signs_entered_in_error (
  organization_id uuid not null references organizations (id),
  vital_signs_id  uuid not null,
  reason          text not null check (char_length(reason) between 1 and 1000),
  marked_by       uuid not null,
  marked_at       timestamptz not null default now(),
  primary key (organization_id, vital_signs_id),
  foreign key (organization_id, vital_signs_id) references vital_signs (organization_id, id),
  foreign key (organization_id, marked_by) references users (organization_id, id)
);
comment on table vital_signs_entered_in_error is 'Vital-sign sets marked entered in error (append-only): who, when and why; the measurements stay as recorded.';

create index vital_signs_entered_in_error_marked_by_idx on vital_signs_entered_in_error (organization_id, marked_by);

alter table vital_signs_entered_in_error enable row level security;
alter table vital_signs_entered_in_error force row level security;
create policy tenant_isolation on vital_signs_entered_in_error
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert on vital_signs_entered_in_error to health_app;

-- Rows hanging off a patient's record are visible while that record is (see live_patient, migration 000007).
create policy live_patient on vital_signs_entered_in_error as restrictive using (
  exists (select 1 from vital_signs v
          where v.organization_id = vital_signs_entered_in_error.organization_id and v.id = vital_signs_entered_in_error.vital_signs_id));
comment on policy live_patient on vital_signs_entered_in_error is 'Visible while its vital-sign set is.';
create policy live_patient on lab_result_supersessions as restrictive using (
  exists (select 1 from lab_results r
          where r.organization_id = lab_result_supersessions.organization_id and r.id = lab_result_supersessions.superseded_id));
comment on policy live_patient on lab_result_supersessions is 'Visible while the result it replaced is.';
