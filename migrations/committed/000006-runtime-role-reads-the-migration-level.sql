--! Previous: sha1:517750934f091d341ba7e6e8fafbe65eaa7e0f0a
--! Hash: sha1:5bb450332e4a7a338d2cc184e20c0838c6272ca4
--! Message: Runtime role reads the migration level

-- The API's runtime login role needs nothing but membership in health_app and
-- health_auth (see README, "Database roles"). Outside tenant transactions it
-- reads the applied migration level for /readyz and the `health` query, with
-- the privileges it inherits from health_app: grant exactly that, read-only.
-- (graphile-migrate creates its schema before running any migration.)
grant usage on schema graphile_migrate to health_app;
grant select on table graphile_migrate.migrations to health_app;
