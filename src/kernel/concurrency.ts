import { conflict, notFound } from './errors.js';

/**
 * Optimistic concurrency: the locked row must exist (else NOT_FOUND) and still
 * be at the version the client read (else CONFLICT naming the current one).
 */
export function atVersion<T extends { version: number }>(row: T | null, version: number, entity: string, id: string): T {
  if (!row) throw notFound(entity, id);
  if (row.version !== version) {
    throw conflict(`${entity} was changed by someone else (now version ${row.version}, you sent ${version}); reload and retry`, {
      currentVersion: row.version,
    });
  }
  return row;
}
