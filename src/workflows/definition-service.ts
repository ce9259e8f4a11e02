import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { UnitOfWork } from '../kernel/db/tenant-session.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { isUuid } from '../kernel/global-id.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import * as repo from './definition-repository.js';
import { summarizeErrors, validateStateMachine, type StateMachine, type ValidationError } from './definition-validation.js';

const KEY = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The error every refused state machine raises: all problems in `extensions.validationErrors`. */
export function invalidStateMachine(errors: readonly ValidationError[], field = 'stateMachine') {
  return badInput(summarizeErrors(errors), field, { validationErrors: errors });
}

/** `Laboratory Order (v2)` → `laboratory-order-v2`. */
export function keyFromName(name: string): string {
  const key = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return key || 'workflow';
}

export function definitionKey(value: string | null | undefined, name: string, field = 'definitionKey'): string {
  if (value === null || value === undefined || value.trim() === '') return keyFromName(name);
  const key = value.trim().toLowerCase();
  if (!KEY.test(key)) throw badInput(`${field} must be 1–100 characters of a-z, 0-9 and -, starting with a letter or digit`, field);
  return key;
}

/** Every `userId` an action of a raw (unvalidated) machine names, to check they exist. */
export function assigneeIds(raw: unknown): string[] {
  const ids = new Set<string>();
  const scan = (actions: unknown) => {
    if (!Array.isArray(actions)) return;
    for (const a of actions) {
      const userId = (a as { userId?: unknown } | null)?.userId;
      if (typeof userId === 'string' && isUuid(userId)) ids.add(userId.toLowerCase());
    }
  };
  const machine = raw as { states?: unknown; transitions?: unknown } | null;
  for (const list of [machine?.states, machine?.transitions]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) scan((item as { actions?: unknown } | null)?.actions);
  }
  return [...ids];
}

/** Validates a raw machine against the organization's users; throws with every problem. */
export async function validatedMachine(tx: TransactionSql, organizationId: string, raw: unknown, field = 'stateMachine'): Promise<StateMachine> {
  const knownUserIds = await repo.activeUserIds(tx, organizationId, assigneeIds(raw));
  const { machine, errors } = validateStateMachine(raw, { knownUserIds });
  if (!machine) throw invalidStateMachine(errors, field);
  return machine;
}

const keyTaken = (key: string) =>
  conflict(`definitionKey "${key}" is already used; start its next version with createWorkflowDefinitionVersion`, { field: 'definitionKey' });

const DEFINITION_CONSTRAINTS = {
  workflow_definitions_key_version_unique: () => conflict('Another version of this definition key was created at the same time; retry', { field: 'definitionKey' }),
  workflow_definitions_one_default_idx: () => conflict('Another default for this entity type was set at the same time; retry', { field: 'id' }),
};

const guard = <T>(p: Promise<T>) => p.catch((e: unknown) => Promise.reject(fromDatabaseError(e, DEFINITION_CONSTRAINTS)));

/** Creates version 1 (DRAFT) of a new key inside the caller's unit of work. */
export async function createDraft(
  { tx, scope, audit }: UnitOfWork,
  d: { name: string; description: string | null; entityType: string; definitionKey: string; stateMachine: unknown },
): Promise<repo.DefinitionRow> {
  const org = scope.organizationId;
  await repo.lockName(tx, org, `workflow-key:${d.definitionKey}`);
  if ((await repo.maxVersionNumber(tx, org, d.definitionKey)) > 0) throw keyTaken(d.definitionKey);
  const machine = await validatedMachine(tx, org, d.stateMachine);
  const row = await guard(
    repo.insertDefinition(tx, org, { ...d, versionNumber: 1, stateMachine: machine, createdBy: scope.userId! }),
  );
  audit({ action: 'workflow_definition.create', entityType: 'workflow_definition', entityId: row.id, after: row });
  return row;
}

/** Creates the next DRAFT version of `from`'s key inside the caller's unit of work. */
export async function createNextVersion(
  { tx, scope, audit }: UnitOfWork,
  from: repo.DefinitionRow,
  changes: { name?: string; description?: string | null; stateMachine?: unknown },
): Promise<repo.DefinitionRow> {
  const org = scope.organizationId;
  await repo.lockName(tx, org, `workflow-key:${from.definitionKey}`);
  const versionNumber = (await repo.maxVersionNumber(tx, org, from.definitionKey)) + 1;
  const machine = await validatedMachine(tx, org, changes.stateMachine ?? from.stateMachine);
  const row = await guard(
    repo.insertDefinition(tx, org, {
      name: changes.name ?? from.name,
      description: changes.description === undefined ? from.description : changes.description,
      entityType: from.entityType,
      definitionKey: from.definitionKey,
      versionNumber,
      stateMachine: machine,
      createdBy: scope.userId!,
    }),
  );
  audit({ action: 'workflow_definition.create_version', entityType: 'workflow_definition', entityId: row.id, after: { ...row, fromId: from.id } });
  return row;
}

/** Rewrites a DRAFT's name, description or machine inside the caller's unit of work. */
export async function reviseDraft(
  { tx, scope, audit }: UnitOfWork,
  before: repo.DefinitionRow,
  changes: { name?: string; description?: string | null; stateMachine?: unknown },
): Promise<repo.DefinitionRow> {
  if (before.status !== 'DRAFT') {
    throw badInput(
      `Version ${before.versionNumber} of "${before.definitionKey}" is ${before.status}; published versions are immutable, so start a new version with createWorkflowDefinitionVersion`,
      'id',
    );
  }
  const next: repo.DefinitionRow = {
    ...before,
    name: changes.name ?? before.name,
    description: changes.description === undefined ? before.description : changes.description,
    stateMachine: changes.stateMachine === undefined ? before.stateMachine : await validatedMachine(tx, scope.organizationId, changes.stateMachine),
  };
  const after = await guard(repo.updateDefinitionRow(tx, next));
  audit({ action: 'workflow_definition.update', entityType: 'workflow_definition', entityId: after.id, ...changedFields(before, after) });
  return after;
}

async function lockAtVersion(tx: TransactionSql, org: string, id: string, version: number) {
  return atVersion(await repo.lockDefinition(tx, org, id), version, 'Workflow definition', id);
}

export async function createDefinition(
  ctx: TenantContext,
  input: { name: string; description?: string | null; entityType: string; definitionKey?: string | null; stateMachine: unknown },
): Promise<repo.DefinitionRow> {
  const name = requiredText(input.name, 'name', 200);
  const values = {
    name,
    description: optionalText(input.description, 'description', 2000) ?? null,
    entityType: input.entityType,
    definitionKey: definitionKey(input.definitionKey, name),
    stateMachine: input.stateMachine,
  };
  return ctx.session.write((work) => createDraft(work, values));
}

export async function updateDefinition(
  ctx: TenantContext,
  input: { id: string; version: number; name?: string | null; description?: string | null; stateMachine?: unknown },
): Promise<repo.DefinitionRow> {
  const changes = {
    name: input.name === undefined || input.name === null ? undefined : requiredText(input.name, 'name', 200),
    description: optionalText(input.description, 'description', 2000),
    stateMachine: input.stateMachine ?? undefined,
  };
  return ctx.session.write(async (work) => {
    const before = await lockAtVersion(work.tx, work.scope.organizationId, input.id, input.version);
    return reviseDraft(work, before, changes);
  });
}

export async function createDefinitionVersion(
  ctx: TenantContext,
  input: { fromId: string; name?: string | null; description?: string | null; stateMachine?: unknown },
): Promise<repo.DefinitionRow> {
  const changes = {
    name: input.name === undefined || input.name === null ? undefined : requiredText(input.name, 'name', 200),
    description: optionalText(input.description, 'description', 2000),
    stateMachine: input.stateMachine ?? undefined,
  };
  return ctx.session.write(async (work) => {
    const [from] = await repo.definitionsByIds(work.tx, work.scope.organizationId, [input.fromId]);
    if (!from) throw notFound('Workflow definition', input.fromId);
    return createNextVersion(work, from, changes);
  });
}

/**
 * DRAFT → PUBLISHED. Older published versions of the key become ARCHIVED (their
 * running instances continue on them); the default moves to the new version when
 * an archived one held it, when asked, or when the entity type has none.
 */
export async function publishDefinition(
  ctx: TenantContext,
  input: { id: string; version: number; makeDefault?: boolean | null },
): Promise<repo.DefinitionRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await lockAtVersion(tx, org, input.id, input.version);
    if (before.status !== 'DRAFT') {
      throw badInput(`Version ${before.versionNumber} of "${before.definitionKey}" is already ${before.status}; only DRAFT versions can be published`, 'id');
    }
    if (!before.isActive) throw badInput('A deactivated definition cannot be published', 'id');
    const machine = await validatedMachine(tx, org, before.stateMachine, 'id');
    await repo.lockName(tx, org, `workflow-key:${before.definitionKey}`);
    await repo.lockName(tx, org, `workflow-default:${before.entityType}`);
    const archived = await repo.archiveOtherPublished(tx, org, before.definitionKey, before.id);
    const hasDefault = (await repo.defaultDefinitionId(tx, org, before.entityType)) !== null;
    const makeDefault = input.makeDefault ?? (archived.some((a) => a.wasDefault) || !hasDefault);
    const clearedDefaults = makeDefault ? await repo.clearOtherDefaults(tx, org, before.entityType, before.id) : [];
    const after = await guard(
      repo.updateDefinitionRow(tx, { ...before, stateMachine: machine, status: 'PUBLISHED', publishedAt: new Date(), isDefault: makeDefault }),
    );
    audit({
      action: 'workflow_definition.publish',
      entityType: 'workflow_definition',
      entityId: after.id,
      before: { status: before.status, isDefault: before.isDefault },
      after: { status: after.status, isDefault: after.isDefault, archivedIds: archived.map((a) => a.id), clearedDefaultIds: clearedDefaults },
    });
    return after;
  });
}

export async function setDefaultDefinition(ctx: TenantContext, input: { id: string; version: number }): Promise<repo.DefinitionRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await lockAtVersion(tx, org, input.id, input.version);
    if (before.status !== 'PUBLISHED' || !before.isActive) {
      throw badInput(`Only a published, active version can be the default (this one is ${before.isActive ? before.status : 'deactivated'})`, 'id');
    }
    await repo.lockName(tx, org, `workflow-default:${before.entityType}`);
    const cleared = await repo.clearOtherDefaults(tx, org, before.entityType, before.id);
    const after = await guard(repo.updateDefinitionRow(tx, { ...before, isDefault: true }));
    audit({
      action: 'workflow_definition.set_default',
      entityType: 'workflow_definition',
      entityId: after.id,
      before: { isDefault: before.isDefault },
      after: { isDefault: true, clearedDefaultIds: cleared },
    });
    return after;
  });
}

export async function deactivateDefinition(ctx: TenantContext, input: { id: string; version: number }): Promise<repo.DefinitionRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await lockAtVersion(tx, scope.organizationId, input.id, input.version);
    if (!before.isActive) throw badInput('The definition is already deactivated', 'id');
    const after = await guard(repo.updateDefinitionRow(tx, { ...before, isActive: false, isDefault: false }));
    audit({ action: 'workflow_definition.deactivate', entityType: 'workflow_definition', entityId: after.id, ...changedFields(before, after) });
    return after;
  });
}
