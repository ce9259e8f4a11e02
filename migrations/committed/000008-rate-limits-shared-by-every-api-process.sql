--! Previous: sha1:5bb450332e4a7a338d2cc184e20c0838c6272ca4
--! Hash: sha1:99cbb91ca9d22857f7d829c7b011f0923028317b
--! Message: Rate limits shared by every API process

-- Abuse limits (rate-limiter-flexible's RateLimiterPostgres) are shared by every
-- API process through this table: one row per limiter key (`<limiter>:<key>`),
-- its consumed points and when they expire (epoch milliseconds). The API never
-- creates it at run time (tableCreated: true); it only reads and writes rows,
-- as the runtime role, with the privileges it inherits from health_app and
-- health_auth. It holds no tenant data (keys are user ids, addresses and
-- hashed e-mails), so it carries no organization and no row-level security.
create table rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
create index rate_limits_expire on rate_limits (expire);
grant select, insert, update, delete on table rate_limits to health_app, health_auth;
