import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot } from './db/migrate.js';

/** The SDL contract: `schema/<domain>/*.graphql`, one folder per domain mirroring `src/<domain>/`. */
export const SCHEMA_DIR = path.join(findProjectRoot(), 'schema');

export interface SchemaFile {
  /** The folder under schema/, which names the src/ folder that resolves what the file declares. */
  domain: string;
  /** Path relative to the project root, e.g. `schema/billing/invoices.graphql`. */
  path: string;
  text: string;
}

/** The folder holding the root types, scalars and directives every other folder extends. */
const FOUNDATION = 'system';

/** Every SDL file, in a stable order: the foundation first, then by domain and file name. */
export function schemaFiles(dir = SCHEMA_DIR): SchemaFile[] {
  const rank = (f: string) => (f.startsWith(FOUNDATION + path.sep) ? `0${f}` : `1${f}`);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => rank(a).localeCompare(rank(b)))
    .map((relative) => ({
      domain: relative.split(path.sep)[0]!,
      path: path.posix.join('schema', ...relative.split(path.sep)),
      text: readFileSync(path.join(dir, relative), 'utf8'),
    }));
}
