import { badInput } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Opaque, type-qualified global ID (`Node.id`): base64url of `Type:uuid`. */
export function toGlobalId(type: string, uuid: string): string {
  return Buffer.from(`${type}:${uuid}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string): { type: string; uuid: string } | null {
  let decoded: string;
  try {
    decoded = Buffer.from(id, 'base64url').toString('utf8');
  } catch {
    return null;
  }
  const i = decoded.indexOf(':');
  if (i <= 0) return null;
  const type = decoded.slice(0, i);
  const uuid = decoded.slice(i + 1);
  return isUuid(uuid) && /^[A-Za-z]+$/.test(type) ? { type, uuid: uuid.toLowerCase() } : null;
}

/**
 * Accepts either a global ID of `type` or a raw UUID (clients often hold the
 * database id); anything else is BAD_USER_INPUT naming the argument.
 */
export function uuidFromId(id: string, type: string, field = 'id'): string {
  if (isUuid(id)) return id.toLowerCase();
  const parsed = fromGlobalId(id);
  if (!parsed || parsed.type !== type) {
    throw badInput(`${field} must be a ${type} ID (a global ID or a UUID)`, field);
  }
  return parsed.uuid;
}

/** `uuidFromId` for an optional argument: absent or null stays null. */
export const optionalUuidFromId = (id: string | null | undefined, type: string, field: string): string | null =>
  id ? uuidFromId(id, type, field) : null;
