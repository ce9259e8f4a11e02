--! Previous: sha1:3573856b0b5be3f2241965f3f72ac37cee32dac7
--! Hash: sha1:46d3f4f32a209e70a8e813d282592f5daecb1a95
--! Message: A patient's live appointments cannot overlap unless booked with allowPatientOverlap

-- One patient cannot be in two places at once: live appointments of one patient may not overlap, unless the
-- booking said so explicitly (patient_overlap_allowed, e.g. a lab draw inside a clinic visit). Mirrors
-- appointments_no_provider_overlap (btree_gist is already installed by the first migration).
alter table appointments add column if not exists patient_overlap_allowed boolean not null default false;
comment on column appointments.patient_overlap_allowed is
  'Booked with allowPatientOverlap: exempt from appointments_no_patient_overlap.';

-- Overlaps that already exist are kept as they are (marked allowed) so the constraint can be created; every new
-- booking is checked. Of each overlapping pair, the later-created appointment is the one marked.
update appointments a set patient_overlap_allowed = true
where a.status not in ('CANCELLED', 'NO_SHOW') and a.deleted_at is null and not a.patient_overlap_allowed
  and exists (
    select 1 from appointments b
    where b.organization_id = a.organization_id and b.patient_id = a.patient_id and b.id <> a.id
      and b.status not in ('CANCELLED', 'NO_SHOW') and b.deleted_at is null
      and (b.created_at, b.id) < (a.created_at, a.id)
      and tstzrange(b.scheduled_datetime, b.scheduled_end_datetime, '[)')
          && tstzrange(a.scheduled_datetime, a.scheduled_end_datetime, '[)'));

alter table appointments drop constraint if exists appointments_no_patient_overlap;
alter table appointments add constraint appointments_no_patient_overlap exclude using gist (
  organization_id with =,
  patient_id with =,
  tstzrange(scheduled_datetime, scheduled_end_datetime, '[)') with &&
) where (status not in ('CANCELLED', 'NO_SHOW') and deleted_at is null and not patient_overlap_allowed);
