-- Runs once, when docker compose creates the cluster (docker-entrypoint-initdb.d),
-- as the superuser `health`, which also owns health_v1 and runs the migrations
-- (MIGRATION_DATABASE_URL). The API serves as `health_api`: a login role whose
-- only privilege is membership in health_app and health_auth (README, "Database
-- roles"). The migrations create those two NOLOGIN roles when they are missing;
-- creating them here lets the grant come before the first migration.
create role health_app nologin nosuperuser nobypassrls;
create role health_auth nologin nosuperuser nobypassrls;
create role health_api login password 'health_api';
grant health_app, health_auth to health_api;
