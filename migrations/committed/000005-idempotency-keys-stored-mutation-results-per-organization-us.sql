--! Previous: sha1:6a367b6a7bd58839ec5fdc2f7ee8f11d1f90eb1a
--! Hash: sha1:517750934f091d341ba7e6e8fafbe65eaa7e0f0a
--! Message: Idempotency keys: stored mutation results per organization, user and key

-- Idempotency-Key: the stored results of mutations, per organization, user and key.
--
-- A mutation sent with an `Idempotency-Key` header claims (organization_id,
-- user_id, key) in its own write transaction and stores its result there
-- before commit, under the ordinal of the write within the request ("1", "2",
-- … in `results`). A repeat with the same fingerprint (query text, operation
-- name, variables) returns the stored results; a different fingerprint is a
-- CONFLICT. Rows past expires_at count as absent and are replaced on the next
-- claim; expired rows of an organization are deleted opportunistically when
-- one of its users claims a new key.
create table idempotency_keys (
  organization_id     uuid not null references organizations (id),
  user_id             uuid not null,
  key                 text not null check (char_length(key) between 1 and 255),
  request_fingerprint text not null check (char_length(request_fingerprint) = 64),
  request_id          text not null,
  results             jsonb not null default '{}'::jsonb,
  created_at          timestamptz not null default now(),
  expires_at          timestamptz not null,
  primary key (organization_id, user_id, key),
  foreign key (organization_id, user_id) references users (organization_id, id)
);
comment on table idempotency_keys is
  'Results of mutations sent with an Idempotency-Key header, replayed to repeats of the same request until expires_at.';
comment on column idempotency_keys.request_fingerprint is
  'SHA-256 (hex) of the normalized query text, operation name and canonical variables of the first request.';
comment on column idempotency_keys.results is
  'Result of each write of the request, keyed by its ordinal ("1", "2", …), serialized with superjson.';

create index idempotency_keys_org_expires_idx on idempotency_keys (organization_id, expires_at);

alter table idempotency_keys enable row level security;
alter table idempotency_keys force row level security;
-- The application always looks keys up by (organization, user, key); the
-- organization is the tenant boundary, so any user of it may purge its expired keys.
create policy tenant_isolation on idempotency_keys
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

grant select, insert, update, delete on idempotency_keys to health_app;

-- refreshSession replays under an Idempotency-Key: a client that lost the
-- answer and repeats the same request with the same key gets the same tokens
-- instead of tripping token-reuse detection. The rotated (old) token keeps
-- the SHA-256 of key + request fingerprint and the answer, encrypted
-- (AES-256-GCM, key derived from the JWT secret); no plaintext token is stored.
alter table refresh_tokens
  add column rotation_request text check (char_length(rotation_request) = 64),
  add column rotation_result bytea check (octet_length(rotation_result) <= 65536),
  add constraint refresh_tokens_rotation_pair check ((rotation_request is null) = (rotation_result is null));
comment on column refresh_tokens.rotation_request is
  'SHA-256 (hex) of the Idempotency-Key and request fingerprint of the refreshSession that rotated this token, if it sent a key.';
comment on column refresh_tokens.rotation_result is
  'That refreshSession''s answer (new tokens), AES-256-GCM sealed; replayed to the same request with the same key.';
