import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The module graph of src/, type-only imports included: no circles (a circle
 * makes load order matter and hides which module owns what), a kernel that
 * imports nothing of the application above it, and no module too long to read
 * whole.
 */

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gs;

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)]
      .map((m) => path.resolve(path.dirname(file), m[1]!).replace(/\.js$/, '.ts'))
      .filter((target) => existsSync(target));
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(SRC, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the module graph of src/', () => {
  const graph = importGraph();

  it('reads every module and its relative imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(path.join(SRC, 'context.ts'))).toContain(path.join(SRC, 'loaders.ts'));
  });

  it('has no import circle, type-only imports included', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('has a kernel that imports no runtime value from the application above it', () => {
    const kernel = path.join(SRC, 'kernel') + path.sep;
    const upward = [...graph]
      .filter(([file]) => file.startsWith(kernel))
      .flatMap(([file, targets]) => {
        const text = readFileSync(file, 'utf8');
        return targets
          // The application is src/ above the kernel (a unit test's shared test helper is not part of it).
          .filter((t) => !t.startsWith(kernel) && t.startsWith(SRC + path.sep))
          .filter((t) => {
            const spec = path.relative(path.dirname(file), t).replace(/\.ts$/, '.js');
            // `import type` is erased at build time; a value import ties the kernel to a domain.
            return new RegExp(`^import (?!type )[^;]*from '(\\./)?${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`, 'm').test(text);
          })
          .map((t) => `${path.relative(SRC, file)} → ${path.relative(SRC, t)}`);
      });
    expect(upward).toEqual([]);
  });

  it('has no module over 400 lines, generated code aside (split a long one along its seams)', () => {
    const generated = path.join(SRC, 'generated') + path.sep;
    const long = [...graph.keys()]
      .filter((file) => !file.startsWith(generated))
      .map((file) => ({ file: path.relative(SRC, file), lines: (readFileSync(file, 'utf8').match(/\n/g) ?? []).length }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('has a kernel with no module-level mutable state (a second app in the process would share it)', () => {
    const kernel = path.join(SRC, 'kernel') + path.sep;
    const bindings = [...graph.keys()]
      .filter((file) => file.startsWith(kernel))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) => (/^(export )?(let|var) /.test(line) ? [`${path.relative(SRC, file)}:${i + 1} ${line.trim()}`] : [])),
      );
    expect(bindings).toEqual([]);
  });
});
