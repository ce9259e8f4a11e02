import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { keysetList } from '../kernel/root-list.js';

interface VisualRecord {
  id: string;
  organizationId: string;
  definitionId: string | null;
  name: string;
  description: string | null;
  nodes: string | null;
  edges: string | null;
  layout: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `created_at` with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

/** One designer document (`visual_workflows`); JSON kept exactly as saved. */
export type VisualRow = Omit<VisualRecord, 'nodes' | 'edges' | 'layout' | 'sortKey'> & {
  nodes: Record<string, unknown>[];
  edges: Record<string, unknown>[];
  layout: Record<string, unknown>;
  sortKey: string;
};

export interface VisualFields {
  definitionId: string | null;
  name: string;
  description: string | null;
  nodes: Record<string, unknown>[];
  edges: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** What a plain SELECT returns: the cast JSON columns are known NOT NULL there (not in RETURNING). */
type Selected = Omit<VisualRecord, 'nodes' | 'edges' | 'layout'> & { nodes: string; edges: string; layout: string };

const toVisual = (r: VisualRecord): VisualRow => ({
  ...r,
  nodes: JSON.parse(r.nodes ?? '[]') as Record<string, unknown>[],
  edges: JSON.parse(r.edges ?? '[]') as Record<string, unknown>[],
  layout: JSON.parse(r.layout ?? '{}') as Record<string, unknown>,
  sortKey: r.sortKey ?? '',
});

export async function visualsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<VisualRow[]> {
  const rows = await tx<Selected[]>`
    /* visualsByIds */
    select id, organization_id, definition_id, name, description, nodes::text as nodes, edges::text as edges,
           layout::text as layout, created_by, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from visual_workflows
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
  return rows.map(toVisual);
}

/** Designer documents of a definition (null: all): `visualList` pages them newest first on (created_at, id) and counts them. */
function matchingVisuals(tx: TransactionSql, organizationId: string, definitionId: string | null): PendingQuery<Selected[]> {
  return tx<Selected[]>`
    /* matchingVisuals */
    select id, organization_id, definition_id, name, description, nodes::text as nodes, edges::text as edges,
           layout::text as layout, created_by, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from visual_workflows
    where organization_id = ${organizationId}::uuid
      and (${definitionId}::uuid is null or definition_id = ${definitionId}::uuid)
  `;
}

export async function insertVisual(tx: TransactionSql, organizationId: string, createdBy: string, v: VisualFields): Promise<VisualRow> {
  const rows = await tx<VisualRecord[]>`
    /* insertVisual */
    insert into visual_workflows (organization_id, definition_id, name, description, nodes, edges, layout, created_by)
    values (${organizationId}::uuid, ${v.definitionId}::uuid, ${v.name}, ${v.description}, ${JSON.stringify(v.nodes)}::text::jsonb,
            ${JSON.stringify(v.edges)}::text::jsonb, ${JSON.stringify(v.layout)}::text::jsonb, ${createdBy}::uuid)
    returning id, organization_id, definition_id, name, description, nodes::text as nodes, edges::text as edges,
              layout::text as layout, created_by, created_at, updated_at, version,
              cursor_timestamp(created_at)::text as sort_key
  `;
  return toVisual(rows[0]!);
}

export async function lockVisual(tx: TransactionSql, organizationId: string, id: string): Promise<VisualRow | null> {
  const rows = await tx<Selected[]>`
    /* lockVisual */
    select id, organization_id, definition_id, name, description, nodes::text as nodes, edges::text as edges,
           layout::text as layout, created_by, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from visual_workflows
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    for update
  `;
  return rows[0] ? toVisual(rows[0]) : null;
}

/** Writes every mutable column of a locked document and bumps its version. */
export async function updateVisualRow(tx: TransactionSql, v: VisualRow): Promise<VisualRow> {
  const rows = await tx<VisualRecord[]>`
    /* updateVisualRow */
    update visual_workflows set definition_id = ${v.definitionId}::uuid, name = ${v.name}, description = ${v.description},
           nodes = ${JSON.stringify(v.nodes)}::text::jsonb, edges = ${JSON.stringify(v.edges)}::text::jsonb,
           layout = ${JSON.stringify(v.layout)}::text::jsonb, version = version + 1
    where organization_id = ${v.organizationId}::uuid and id = ${v.id}::uuid and version = ${v.version}::int
    returning id, organization_id, definition_id, name, description, nodes::text as nodes, edges::text as edges,
              layout::text as layout, created_by, created_at, updated_at, version,
              cursor_timestamp(created_at)::text as sort_key
  `;
  return toVisual(rows[0]!);
}

/** `Query.visualWorkflows`: by creation. */
export const visualList = keysetList('visualWorkflows:createdAt', matchingVisuals, { column: 'created_at', type: 'timestamptz', order: 'desc' }, (v) => [v.sortKey, v.id], { rowOf: toVisual });
