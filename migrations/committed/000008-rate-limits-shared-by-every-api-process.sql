--! Previous: sha1:e0d764cf22081741d68d6aecc2e387600e609740
--! Hash: sha1:2c376f2784ddccd7582227ab32b2374c44f35076
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
