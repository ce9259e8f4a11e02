import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { StateMachine } from './definition-validation.js';
import { keysetList } from '../kernel/root-list.js';

/**
 * JSONB columns are read as text and parsed here: the pool camel-cases JSON
 * keys, which would rewrite user-defined keys such as context variables.
 */
interface DefinitionRecord {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  entityType: string;
  definitionKey: string;
  versionNumber: number;
  status: string;
  isActive: boolean;
  isDefault: boolean;
  stateMachine: string | null;
  publishedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `created_at` with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

/** One version of `workflow_definitions` as the API reads it. */
export type DefinitionRow = Omit<DefinitionRecord, 'stateMachine' | 'sortKey'> & { stateMachine: StateMachine; sortKey: string };

export interface DefinitionListFilter {
  entityType: string | null;
  statuses: string[] | null;
  definitionKey: string | null;
  active: boolean | null;
  isDefault: boolean | null;
}

export interface NewDefinition {
  name: string;
  description: string | null;
  entityType: string;
  definitionKey: string;
  versionNumber: number;
  stateMachine: StateMachine;
  createdBy: string;
}

/** What a plain SELECT returns: the cast JSON column is known NOT NULL there (not in RETURNING). */
type Selected = Omit<DefinitionRecord, 'stateMachine'> & { stateMachine: string };

const toRow = (r: DefinitionRecord): DefinitionRow => ({
  ...r,
  stateMachine: JSON.parse(r.stateMachine ?? '{"states":[],"transitions":[]}') as StateMachine,
  sortKey: r.sortKey ?? '',
});

export async function definitionsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<DefinitionRow[]> {
  const rows = await tx<Selected[]>`
    /* definitionsByIds */
    select id, organization_id, name, description, entity_type, definition_key, version_number, status, is_active,
           is_default, state_machine::text as state_machine, published_at, created_by, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from workflow_definitions
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
  return rows.map(toRow);
}

/** Definitions matching the filter: `definitionList` pages them newest first on (created_at, id) and counts them. */
function matchingDefinitions(tx: TransactionSql, organizationId: string, f: DefinitionListFilter): PendingQuery<Selected[]> {
  return tx<Selected[]>`
    /* matchingDefinitions */
    select id, organization_id, name, description, entity_type, definition_key, version_number, status, is_active,
           is_default, state_machine::text as state_machine, published_at, created_by, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from workflow_definitions
    where organization_id = ${organizationId}::uuid
      and (${f.entityType}::text is null or entity_type = ${f.entityType}::text)
      and (${f.statuses}::text[] is null or status = any(${f.statuses}::text[]))
      and (${f.definitionKey}::text is null or definition_key = ${f.definitionKey}::text)
      and (${f.active}::boolean is null or is_active = ${f.active}::boolean)
      and (${f.isDefault}::boolean is null or (is_default and is_active) = ${f.isDefault}::boolean)
  `;
}

/** Locks a definition version for a read-modify-write. */
export async function lockDefinition(tx: TransactionSql, organizationId: string, id: string): Promise<DefinitionRow | null> {
  const rows = await tx<Selected[]>`
    /* lockDefinition */
    select id, organization_id, name, description, entity_type, definition_key, version_number, status, is_active,
           is_default, state_machine::text as state_machine, published_at, created_by, created_at, updated_at, version,
           cursor_timestamp(created_at)::text as sort_key
    from workflow_definitions
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    for update
  `;
  return rows[0] ? toRow(rows[0]) : null;
}

/** The default definition of an entity type (published, active), if any. */
export async function defaultDefinitionId(tx: TransactionSql, organizationId: string, entityType: string): Promise<string | null> {
  const rows = await tx<{ id: string }[]>`
    /* defaultDefinitionId */
    select id from workflow_definitions
    where organization_id = ${organizationId}::uuid and entity_type = ${entityType} and is_default and is_active
  `;
  return rows[0]?.id ?? null;
}

/**
 * Serializes the writers of one (organization, name) pair until commit, e.g.
 * the versions of a definition key or the default of an entity type.
 */
export async function lockName(tx: TransactionSql, organizationId: string, name: string): Promise<void> {
  await tx<{ locked: string | null }[]>`
    /* lockName */
    select pg_advisory_xact_lock(hashtextextended(${organizationId}::text || ':' || ${name}::text, 0))::text as locked
  `;
}

/** The highest version number of a key (0 when the key is unused). */
export async function maxVersionNumber(tx: TransactionSql, organizationId: string, key: string): Promise<number> {
  const rows = await tx<{ max: number }[]>`
    /* maxVersionNumber */
    select coalesce(max(version_number), 0)::int as max from workflow_definitions
    where organization_id = ${organizationId}::uuid and definition_key = ${key}
  `;
  return rows[0]?.max ?? 0;
}

export async function insertDefinition(tx: TransactionSql, organizationId: string, d: NewDefinition): Promise<DefinitionRow> {
  const rows = await tx<DefinitionRecord[]>`
    /* insertDefinition */
    insert into workflow_definitions (organization_id, name, description, entity_type, definition_key, version_number,
                                      status, state_machine, created_by)
    values (${organizationId}::uuid, ${d.name}, ${d.description}, ${d.entityType}, ${d.definitionKey},
            ${d.versionNumber}::int, 'DRAFT', ${JSON.stringify(d.stateMachine)}::text::jsonb, ${d.createdBy}::uuid)
    returning id, organization_id, name, description, entity_type, definition_key, version_number, status, is_active,
              is_default, state_machine::text as state_machine, published_at, created_by, created_at, updated_at, version,
              cursor_timestamp(created_at)::text as sort_key
  `;
  return toRow(rows[0]!);
}

/** Writes every mutable column of a locked definition and bumps its version. */
export async function updateDefinitionRow(tx: TransactionSql, d: DefinitionRow): Promise<DefinitionRow> {
  const rows = await tx<DefinitionRecord[]>`
    /* updateDefinitionRow */
    update workflow_definitions set
      name = ${d.name}, description = ${d.description}, state_machine = ${JSON.stringify(d.stateMachine)}::text::jsonb,
      status = ${d.status}, is_active = ${d.isActive}::boolean, is_default = ${d.isDefault}::boolean,
      published_at = ${d.publishedAt}::timestamptz, version = version + 1
    where organization_id = ${d.organizationId}::uuid and id = ${d.id}::uuid and version = ${d.version}::int
    returning id, organization_id, name, description, entity_type, definition_key, version_number, status, is_active,
              is_default, state_machine::text as state_machine, published_at, created_by, created_at, updated_at, version,
              cursor_timestamp(created_at)::text as sort_key
  `;
  return toRow(rows[0]!);
}

/** Archives the published versions of a key other than `exceptId`; returns them as they were. */
export async function archiveOtherPublished(
  tx: TransactionSql,
  organizationId: string,
  key: string,
  exceptId: string,
): Promise<{ id: string; wasDefault: boolean }[]> {
  const rows = await tx<{ id: string; wasDefault: boolean | null }[]>`
    /* archiveOtherPublished */
    update workflow_definitions d set status = 'ARCHIVED', is_default = false, version = d.version + 1
    from workflow_definitions old
    where d.organization_id = ${organizationId}::uuid and d.definition_key = ${key} and d.status = 'PUBLISHED'
      and d.id <> ${exceptId}::uuid and old.organization_id = d.organization_id and old.id = d.id
    returning d.id, (old.is_default and old.is_active) as was_default
  `;
  return rows.map((r) => ({ id: r.id, wasDefault: r.wasDefault ?? false }));
}

/** Clears the default flag of an entity type's other definitions; returns their ids. */
export async function clearOtherDefaults(
  tx: TransactionSql,
  organizationId: string,
  entityType: string,
  exceptId: string,
): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* clearOtherDefaults */
    update workflow_definitions set is_default = false, version = version + 1
    where organization_id = ${organizationId}::uuid and entity_type = ${entityType} and is_default and id <> ${exceptId}::uuid
    returning id
  `;
  return rows.map((r) => r.id);
}

/** Which of these ids are active users of the organization (for task assignees). */
export async function activeUserIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx<{ id: string }[]>`
    /* activeUserIds */
    select id from users
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and active
  `;
  return new Set(rows.map((r) => r.id));
}

/** `Query.workflowDefinitions`: by creation. */
export const definitionList = keysetList('workflowDefinitions:createdAt', matchingDefinitions, { column: 'created_at', type: 'timestamptz', order: 'desc' }, (d) => [d.sortKey, d.id], { rowOf: toRow });
