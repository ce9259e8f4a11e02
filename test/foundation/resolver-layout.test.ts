import { existsSync } from 'node:fs';
import path from 'node:path';
import { GraphQLScalarType, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { scalarResolvers } from '../../src/kernel/scalars.js';
import { schemaFiles } from '../../src/kernel/schema-files.js';
import { serverResolvers } from '../../src/server.js';

/**
 * One step from an SDL name to the code that resolves it. A field declared in
 * `schema/<domain>/…graphql` on type `T` is resolved in `src/<domain>/resolvers/T.ts`
 * (exported as `T`); a root field `Query.f`, `Mutation.f` or `Subscription.f` in
 * `src/<domain>/resolvers/Query/f.ts` (exported as `f`); a type's `__resolveType`
 * beside the domain that defines the type; custom scalars in `src/kernel/scalars.ts`.
 * The check is by identity: the function the server runs is the one that file exports.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** `Type.field` → domain that declares it, and `Type` → domain that defines it. */
function ownership() {
  const fieldDomain = new Map<string, string>();
  const typeDomain = new Map<string, string>();
  for (const file of schemaFiles()) {
    for (const def of parse(file.text).definitions) {
      if (!('name' in def) || !def.name) continue;
      const name = def.name.value;
      const defines = def.kind.endsWith('Definition') && def.kind !== Kind.DIRECTIVE_DEFINITION;
      if (defines) typeDomain.set(name, file.domain);
      if ('fields' in def && def.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION && def.kind !== Kind.INPUT_OBJECT_TYPE_EXTENSION) {
        for (const field of def.fields ?? []) fieldDomain.set(`${name}.${field.name.value}`, file.domain);
      }
    }
  }
  return { fieldDomain, typeDomain };
}

interface Entry {
  type: string;
  field: string;
  value: unknown;
}

function entries(): Entry[] {
  return serverResolvers().flatMap((map) =>
    Object.entries(map as Record<string, unknown>).flatMap(([type, value]) =>
      value instanceof GraphQLScalarType
        ? [{ type, field: '', value }]
        : Object.entries(value as Record<string, unknown>).map(([field, fn]) => ({ type, field, value: fn })),
    ),
  );
}

/** Where an entry must live: its file (from the project root) and the export holding it. */
function expectedHome(entry: Entry, own: ReturnType<typeof ownership>): { domain: string; file: string; pick: (m: Record<string, unknown>) => unknown } {
  const { type, field } = entry;
  if (!field) return { domain: 'kernel', file: 'src/kernel/scalars.ts', pick: () => (scalarResolvers as Record<string, unknown>)[type] };
  if (field.startsWith('__')) {
    const domain = own.typeDomain.get(type) ?? '?';
    return { domain, file: `src/${domain}/resolvers/${type}.ts`, pick: (m) => (m[type] as Record<string, unknown> | undefined)?.[field] };
  }
  const domain = own.fieldDomain.get(`${type}.${field}`) ?? '?';
  if (ROOT_TYPES.has(type)) return { domain, file: `src/${domain}/resolvers/${type}/${field}.ts`, pick: (m) => m[field] };
  return { domain, file: `src/${domain}/resolvers/${type}.ts`, pick: (m) => (m[type] as Record<string, unknown> | undefined)?.[field] };
}

async function misplaced(domain: string): Promise<string[]> {
  const own = ownership();
  const wrong: string[] = [];
  for (const entry of entries()) {
    const home = expectedHome(entry, own);
    if (home.domain !== domain) continue;
    const name = entry.field ? `${entry.type}.${entry.field}` : entry.type;
    const full = path.join(ROOT, home.file);
    if (!existsSync(full)) {
      wrong.push(`${name}: expected in ${home.file}, which does not exist`);
      continue;
    }
    const exported = home.pick((await import(full)) as Record<string, unknown>);
    if (exported !== entry.value) wrong.push(`${name}: the server's resolver is not the one ${home.file} exports`);
  }
  return wrong;
}

describe('resolver layout: the SDL name is the path', () => {
  const own = ownership();
  const domains = [...new Set(entries().map((e) => expectedHome(e, own).domain))].sort();

  it('knows the declaring domain of every resolved field', () => {
    const unknown = entries()
      .filter((e) => expectedHome(e, own).domain === '?')
      .map((e) => `${e.type}.${e.field}`);
    expect(unknown).toEqual([]);
    expect(domains).toEqual(expect.arrayContaining(['billing', 'identity', 'patients', 'scheduling', 'system', 'workflows']));
  });

  it.each(domains)('every resolver of %s lives in the file its name gives', async (domain) => {
    expect(await misplaced(domain)).toEqual([]);
  });
});
