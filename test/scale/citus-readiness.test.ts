import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { DISTRIBUTION_COLUMN, placementOf, type Placement } from './distribution-plan.js';

/**
 * The rules Citus needs to distribute this schema by organization_id (with the
 * plan in distribution-plan.ts and docs/scale-out.md), checked on the migrated
 * catalog and on the SQL the API sends. Citus itself does not run here.
 */
let app: TestApp;
let placement: Map<string, Placement>;

beforeAll(async () => {
  app = await createTestApp();
  const tables = await app.admin<{ name: string; tenant: boolean }[]>`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = ${DISTRIBUTION_COLUMN} and not a.attisdropped) as tenant
    from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition`;
  placement = new Map(tables.map((t) => [t.name, placementOf(t.name, t.tenant)]));
});
afterAll(() => app.close());

const distributed = () => [...placement].filter(([, p]) => p === 'distributed').map(([t]) => t);

interface Constraint {
  table: string;
  name: string;
  kind: string;
  columns: string[];
  references: string | null;
  referencedColumns: string[] | null;
}

async function constraints(): Promise<Constraint[]> {
  return app.admin<Constraint[]>`
    select c.conrelid::regclass::text as "table", c.conname as name, c.contype::text as kind,
           array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
           c.confrelid::regclass::text as "references",
           case when c.contype = 'f' then array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
                 join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) end as "referencedColumns"
    from pg_constraint c
    where c.connamespace = 'public'::regnamespace and c.contype in ('p', 'u', 'x', 'f') and c.conrelid <> 0`;
}

describe('Citus readiness (distribution by organization_id)', () => {
  it('every distributed table has a NOT NULL organization_id', async () => {
    const rows = await app.admin<{ table: string; notNull: boolean }[]>`
      select c.relname as "table", a.attnotnull as "notNull" from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attname = ${DISTRIBUTION_COLUMN}
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`;
    const nullable = rows.filter((r) => placement.get(r.table) === 'distributed' && !r.notNull).map((r) => r.table);
    expect(nullable).toEqual([]);
    expect(distributed().length).toBeGreaterThan(20);
  });

  it('every primary key, unique and exclusion constraint of a distributed table includes organization_id', async () => {
    const bad = (await constraints())
      .filter((c) => c.kind !== 'f' && placement.get(c.table) === 'distributed' && !c.columns.includes(DISTRIBUTION_COLUMN))
      .map((c) => `${c.table}.${c.name} (${c.columns.join(', ')})`);
    expect(bad).toEqual([]);
    const looseIndexes = await app.admin<{ index: string; table: string }[]>`
      select i.indexrelid::regclass::text as index, i.indrelid::regclass::text as "table" from pg_index i
      where i.indisunique and i.indrelid::regclass::text = any(${distributed()}::text[])
        and not exists (select 1 from pg_attribute a where a.attrelid = i.indrelid and a.attnum = any(i.indkey) and a.attname = ${DISTRIBUTION_COLUMN})`;
    expect(looseIndexes).toEqual([]);
  });

  it('foreign keys between distributed tables join on organization_id (colocated); none points from a reference or local table to a distributed one', async () => {
    const problems: string[] = [];
    for (const c of (await constraints()).filter((c) => c.kind === 'f')) {
      const from = placement.get(c.table);
      const to = placement.get(c.references!);
      if (from !== 'distributed' && to === 'distributed') problems.push(`${c.table} (${from}) → ${c.references} (distributed): ${c.name}`);
      if (from === 'local' && to !== 'local') problems.push(`${c.table} (local) → ${c.references}: ${c.name}`);
      if (from === 'distributed' && to === 'distributed') {
        const at = c.columns.indexOf(DISTRIBUTION_COLUMN);
        if (at < 0 || c.referencedColumns![at] !== DISTRIBUTION_COLUMN) problems.push(`${c.name}: (${c.columns}) → ${c.references} (${c.referencedColumns})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('ids need no global sequence: no sequences, and tenant_counters is per organization', async () => {
    expect(await app.admin`select sequencename from pg_sequences where schemaname = 'public'`).toEqual([]);
    expect(placement.get('tenant_counters')).toBe('distributed');
  });

  it('every statement the API sends to a distributed table names its organization (Citus routes it to one shard)', () => {
    const tables = distributed();
    const touches = (sql: string) => tables.filter((t) => new RegExp(`\\b(from|join|into|update)\\s+${t}\\b`, 'i').test(sql));
    const unrouted: string[] = [];
    let checked = 0;
    for (const file of sourceFiles('src')) {
      for (const sql of taggedStatements(readFileSync(file, 'utf8'))) {
        if (touches(sql).length === 0) continue;
        checked++;
        const insert = /^\s*(\/\*[^*]*\*\/\s*)?(with\b[\s\S]*?\)\s*)?insert\s+into/i.test(sql);
        // An insert routes by the organization_id value it writes; everything else filters on it with a parameter.
        const routed = insert ? /\(\s*organization_id\b/.test(sql) : /organization_id\s*=\s*(\$\{|any\s*\(\s*\$\{)/i.test(sql);
        if (!routed) unrouted.push(`${file}: ${/\/\*\s*(\w+)\s*\*\//.exec(sql)?.[1] ?? sql.slice(0, 80)}`);
      }
    }
    expect(unrouted).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') yield* sourceFiles(path);
    } else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) yield path;
  }
}

/** The text of every postgres.js tagged template (`tx\`…\``, `sql\`…\``) in a file. */
function taggedStatements(source: string): string[] {
  return [...source.matchAll(/\b(?:tx|sql|scoped)(?:<[^`]*?>)?`([\s\S]*?)`/g)].map((m) => m[1]!);
}
