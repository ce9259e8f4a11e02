--! Previous: sha1:1701c387dfae4cea9bf87dadd6201e1f05e9ed19
--! Hash: sha1:e07d7c6ee6269415b476220d4494dd0b69cb4083
--! Message: Rate-limit counters in an unlogged table

-- Abuse-limit counters need no durability (a crash may reset them) and no WAL: an unlogged
-- table commits without waiting for a WAL flush, which the limiter store used to get from a
-- `synchronous_commit=off` startup parameter that transaction-mode poolers (PgBouncer) refuse.
alter table rate_limits set unlogged;
