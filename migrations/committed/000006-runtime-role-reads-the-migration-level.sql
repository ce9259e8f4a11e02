--! Previous: sha1:6255e68222a83ca710c470e1c2dfdf2e72cb8f41
--! Hash: sha1:49a844b4ba047868749067f6063b92908cf07381
--! Message: Runtime role reads the migration level

-- The API's runtime login role needs nothing but membership in health_app and
-- health_auth (see README, "Database roles"). Outside tenant transactions it
-- reads the applied migration level for /readyz and the `health` query, with
-- the privileges it inherits from health_app: grant exactly that, read-only.
-- (graphile-migrate creates its schema before running any migration.)
grant usage on schema graphile_migrate to health_app;
grant select on table graphile_migrate.migrations to health_app;
