--! Previous: sha1:155fa83b0cbfb307db7c1dd373f8dedbfcbf7282
--! Hash: sha1:1701c387dfae4cea9bf87dadd6201e1f05e9ed19
--! Message: One cursor timestamp function for every keyset list

-- A timestamp as a keyset cursor holds it: UTC text with microseconds
-- (`2026-12-02T20:50:25.123456Z`), which JavaScript Dates would cut to
-- milliseconds. List statements return it as `cursor_timestamp(at)::text as
-- sort_key` (the cast tells SafeQL the result's type) and compare the cursor
-- back as `${at}::text::timestamptz`. One definition instead of a format string
-- per statement. STABLE like to_char, so the planner inlines the call.
create or replace function cursor_timestamp(p_at timestamptz) returns text
  language sql stable parallel safe
  as $$ select to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;
comment on function cursor_timestamp(timestamptz) is
  'A timestamp as keyset cursors carry it: UTC, microseconds, ISO 8601 text; inlined into list statements.';
grant execute on function cursor_timestamp(timestamptz) to health_app;
