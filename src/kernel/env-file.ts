import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * Reads `file` (KEY=value lines, Node's own parser: `util.parseEnv`, as
 * `process.loadEnvFile` uses) into `env` for every variable `env` does not
 * already have: the real environment wins over the file. Returns the names
 * taken from the file; a missing file is no error (it is optional).
 */
export function applyEnvFile(file = '.env', env: Record<string, string | undefined> = process.env): string[] {
  if (!existsSync(file)) return [];
  const values = parseEnv(readFileSync(file, 'utf8'));
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return applied;
}
