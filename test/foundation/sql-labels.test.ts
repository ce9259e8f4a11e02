import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every repository statement opens with a `/* label *\/` comment naming the
 * function that sends it, so a statement seen in pg_stat_statements, a slow
 * query log or a test's statement capture is one grep away from its code.
 */
const SRC = path.resolve(import.meta.dirname, '../../src');

function repositoryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? repositoryFiles(full) : /(^|-)repository\.ts$/.test(entry.name) ? [full] : [];
  });
}

const FUNCTION = /^(?:export )?(?:async )?function (\w+)/gm;
const LABEL = /`\s*\/\* (\w+) \*\//g;
/** A lock sent through the kernel's lockedRow is labelled by its second argument. */
const LOCK_LABEL = /lockedRow\(\w+, '(\w+)'/g;

/** `file: label (in function)` for every label that differs from the function it stands in. */
function mislabelled(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const starts = [...text.matchAll(FUNCTION)].map((m) => ({ name: m[1]!, at: m.index }));
  return [...text.matchAll(LABEL), ...text.matchAll(LOCK_LABEL)].flatMap((m) => {
    const owner = starts.filter((f) => f.at < m.index).at(-1)?.name ?? '(module)';
    return m[1] === owner ? [] : [`${path.relative(SRC, file)}: /* ${m[1]} */ in ${owner}`];
  });
}

describe('SQL labels', () => {
  const files = repositoryFiles(SRC);

  it('finds the repositories', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('name the repository function that sends the statement', () => {
    expect(files.flatMap(mislabelled)).toEqual([]);
  });
});
