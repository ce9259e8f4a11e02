import { createHash } from 'node:crypto';
import type { RequestContext } from '../context.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { Sealer } from '../kernel/sealed.js';
import * as repo from './repository.js';
import type { SessionTokens } from './session-tokens.js';

/**
 * `Idempotency-Key` for refreshSession. Sign-in runs before the organization
 * is known, so instead of `idempotency_keys` the rotated token itself keeps
 * the SHA-256 of key + request fingerprint and the answer, sealed with
 * AES-256-GCM under a key derived from the JWT secret (HKDF) and bound to the
 * token's id. A client that lost the answer and repeats the same request with
 * the same key gets the same tokens back instead of tripping token-reuse
 * detection; without the key (or with another one, or after
 * IDEMPOTENCY_KEY_TTL_HOURS) a used token is still a reuse and revokes its family.
 */
function rotationRequest(ctx: RequestContext): string | null {
  const idempotency = ctx.idempotency;
  if (!idempotency || 'rejected' in idempotency) return null;
  return createHash('sha256').update(`${idempotency.key}\n${idempotency.fingerprint()}`).digest('hex');
}

const sealer = (ctx: RequestContext) => new Sealer(ctx.deps.config.jwtSecret, 'refresh-session-replay');

/** The answer of the keyed refreshSession that rotated `token`, when this request repeats it. */
export async function replayRotation(ctx: RequestContext, tx: TransactionSql, token: repo.RefreshTokenRow): Promise<SessionTokens | null> {
  const request = rotationRequest(ctx);
  if (!request) return null;
  const stored = await repo.rotationReplay(tx, token, ctx.deps.config.idempotencyKeyTtlHours);
  if (!stored || stored.rotationRequest !== request) return null;
  return sealer(ctx).open<SessionTokens>(stored.rotationResult, token.id);
}

/** Keeps this keyed refreshSession's answer on the token it rotated, in the same transaction. */
export async function storeRotation(ctx: RequestContext, tx: TransactionSql, token: repo.RefreshTokenRow, tokens: SessionTokens): Promise<void> {
  const request = rotationRequest(ctx);
  if (!request) return;
  await repo.storeRotationReplay(tx, token, request, sealer(ctx).seal(tokens, token.id));
}
