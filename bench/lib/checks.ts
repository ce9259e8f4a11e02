/**
 * Before any load: proof that the servers return the same data, and exact
 * SQL statement counts per request (sequential requests, counter read
 * before and after) including across page sizes.
 */
import type { LoadRequest } from './load.js';
import type { RunningServer } from './servers.js';

export interface Reply {
  status: number;
  body: string;
}

/** Sends one scenario request the way autocannon would (setupRequest, then onResponse). */
export async function send(server: RunningServer, request: LoadRequest, context: Record<string, unknown> = {}): Promise<Reply> {
  const r = request.setupRequest ? request.setupRequest({ ...request }, context) : request;
  const res = await fetch(`${server.origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body ?? null });
  const body = await res.text();
  request.onResponse?.(res.status, body, context);
  return { status: res.status, body };
}

export async function sendAll(server: RunningServer, requests: LoadRequest[], context: Record<string, unknown> = {}): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const request of requests) replies.push(await send(server, request, context));
  return replies;
}

export function hasErrors(reply: Reply): string | null {
  if (reply.status !== 200) return `HTTP ${reply.status}: ${reply.body.slice(0, 300)}`;
  try {
    const parsed = JSON.parse(reply.body) as { errors?: { message: string }[]; data?: unknown };
    if (parsed.errors?.length) return parsed.errors.map((e) => e.message).join('; ').slice(0, 300);
    if (!parsed.data) return 'no data';
    return null;
  } catch {
    return `not JSON: ${reply.body.slice(0, 200)}`;
  }
}

/** Cursor fields: our API encrypts them (per secret), the raw peer cannot, so only their presence is compared. */
const CURSOR_KEYS = new Set(['cursor', 'endCursor', 'startCursor']);

const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => {
              const v = (value as Record<string, unknown>)[k];
              return [k, CURSOR_KEYS.has(k) && typeof v === 'string' ? '<cursor>' : canonical(v)];
            }),
        )
      : value;

/** Same JSON, key order and cursor values aside. */
export function sameJson(a: string, b: string): boolean {
  return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GLOBAL_ID = /^[A-Za-z]+:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Every row id in document order: raw UUIDs, and the UUIDs inside our `Type:uuid` global IDs. */
export function rowIds(body: string): string[] {
  const ids: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (UUID.test(v)) ids.push(v.toLowerCase());
      else if (/^[A-Za-z0-9_-]{40,}$/.test(v)) {
        const match = GLOBAL_ID.exec(Buffer.from(v, 'base64url').toString('utf8'));
        if (match) ids.push(match[1]!.toLowerCase());
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(body));
  return ids;
}

export interface Equivalence {
  /** ours vs raw: the same JSON (key order and opaque cursor values aside). */
  raw: 'same JSON' | 'DIFFERENT' | 'n/a';
  /** ours vs PostGraphile: the same row ids in the same order (naming differs). */
  postgraphile: 'same rows, same order' | 'same rows, other order' | 'DIFFERENT' | 'n/a';
  rows: number;
  note?: string;
}

export function compare(ours: Reply, raw: Reply | null, postgraphile: Reply | null): Equivalence {
  const oursIds = rowIds(ours.body);
  const result: Equivalence = { raw: 'n/a', postgraphile: 'n/a', rows: oursIds.length };
  if (raw) result.raw = sameJson(ours.body, raw.body) ? 'same JSON' : 'DIFFERENT';
  if (postgraphile) {
    const theirs = rowIds(postgraphile.body);
    if (theirs.join() === oursIds.join()) result.postgraphile = 'same rows, same order';
    else if ([...theirs].sort().join() === [...oursIds].sort().join()) result.postgraphile = 'same rows, other order';
    else {
      result.postgraphile = 'DIFFERENT';
      result.note = `ours ${oursIds.length} ids, PostGraphile ${theirs.length}`;
    }
  }
  return result;
}

/** Exact statements per request: `n` sequential requests between two reads of the counter. */
export async function statementsPerRequest(server: RunningServer, requests: LoadRequest[], n = 3): Promise<number> {
  await sendAll(server, requests); // warm caches (viewer cache, prepared statements)
  const before = await server.statements();
  const context: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) await sendAll(server, requests, context);
  return (await server.statements() - before) / (n * requests.length);
}

/** The same requests with `variables.first` replaced. */
export function withFirst(requests: LoadRequest[], first: number): LoadRequest[] {
  return requests.map((r) => {
    if (!r.body) return r;
    const body = JSON.parse(r.body) as { variables?: Record<string, unknown> };
    body.variables = { ...body.variables, first };
    return { ...r, body: JSON.stringify(body) };
  });
}
